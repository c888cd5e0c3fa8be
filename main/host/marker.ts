/** The line the host CLI prints when it is ready, followed by JSON with its URL; scripts and tests wait for it. */
export const hostReadyMarker = 'DAYROOM_HOST_READY';
