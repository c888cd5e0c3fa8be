export * from './records';
export * from './mutations';
export * from './wire';
export * from './stamp-rules';
export * from './ids';
export * from './media';
export * from './audit';
export * from './pin-lockout';
