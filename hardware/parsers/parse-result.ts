// The result every card-format parser returns. Parsers never throw on the bytes or text a reader sent:
// a bad read is an ordinary outcome (half a swipe, a bank card, line noise), so it is a value with a
// stable `kind` the runtime can count and word for people, and a `message` for service mode.
//
// Messages describe what was wrong, never what was read: card data is secret and must not reach logs.

export interface ParseError<Kind extends string> {
  readonly kind: Kind;
  readonly message: string;
}

export type ParseResult<Value, Kind extends string> = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: ParseError<Kind> };

export function parsed<Value>(value: Value): { readonly ok: true; readonly value: Value } {
  return { ok: true, value };
}

export function refused<Kind extends string>(kind: Kind, message: string): { readonly ok: false; readonly error: ParseError<Kind> } {
  return { ok: false, error: { kind, message } };
}
