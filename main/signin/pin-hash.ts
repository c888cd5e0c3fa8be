// The device checks typed PINs against the hub's hashes with the hub's own implementation (platform/credential-hashes.ts,
// format and cost in rules/pin-hash.ts): one definition, so a hash the hub made is one the device accepts.
export { hashPin, verifyPin } from '../../platform/credential-hashes';
