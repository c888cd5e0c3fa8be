// The hub's wire protocol, and the shared rules (rules/) it carries, so a caller of the protocol finds both in one import.
export * from './records';
export * from './mutations';
export * from './wire';
export * from './health';
export * from './ids';
export * from './media';
export * from './audit';
export * from '../../rules/text';
export * from '../../rules/stamps';
export * from '../../rules/pin-lockout';
export * from '../../rules/canonical-json';
export * from './captions';
