// Inputs for any call of the contract, read off the call's own zod schema (through its JSON Schema), so a test that
// iterates `callNames` covers a call added tomorrow without a line written for it. `validInput` makes inputs the
// schema accepts (a test checks that they parse); `idFieldsOf` names the fields that point at a record, which the
// authorization tests fill with another person's ids.
import fc from 'fast-check';
import { z } from 'zod';
import { deviceCalls, type CallName } from '../../main/contract';

/** The part of JSON Schema (draft 2020-12) that zod writes for our contract. */
interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export function inputSchemaOf(name: CallName): JsonSchema {
  return z.toJSONSchema(deviceCalls[name].input, { io: 'input' }) as JsonSchema;
}

/** Keywords this generator understands; anything else fails loudly so a new kind of field is not silently skipped. */
const understood = new Set([
  '$schema',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
  'oneOf',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'items',
  'minItems',
  'maxItems',
  'description',
]);

/** Values for string fields named like ids: the caller's pool (someone's real ids) mixed with made-up ones. */
export type IdPool = (field: string) => readonly string[];

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 200;
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    return fc.stringMatching(pattern).filter((text) => text.length >= minLength && text.length <= maxLength);
  }
  // Short, mostly; the fuzz test adds huge strings on purpose.
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40), unit: 'grapheme' });
}

function arbitraryOf(schema: JsonSchema, ids: IdPool, field: string | null): fc.Arbitrary<unknown> {
  for (const keyword of Object.keys(schema)) if (!understood.has(keyword)) throw new Error(`contract-inputs: unsupported JSON Schema keyword ${keyword}`);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => arbitraryOf(choice, ids, field)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties)) shape[key] = arbitraryOf(property, ids, key);
      return fc.record(shape, { requiredKeys: [...required] });
    }
    case 'string': {
      const generated = stringArbitrary(schema);
      const known = field !== null && isIdField(field) ? ids(field).filter((id) => fitsString(schema, id)) : [];
      return known.length > 0 ? fc.oneof(fc.constantFrom(...known), generated) : generated;
    }
    case 'integer':
    case 'number': {
      const integer = schema.type === 'integer';
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : (schema.minimum ?? -1_000_000);
      const max = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : (schema.maximum ?? 1_000_000);
      return integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schema.items ? arbitraryOf(schema.items, ids, field) : fc.constant(null), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    default:
      throw new Error(`contract-inputs: unsupported JSON Schema type ${String(schema.type)}`);
  }
}

function fitsString(schema: JsonSchema, value: string): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern).test(value);
}

/** Inputs the call's schema accepts; id fields draw from `ids` half the time, when it has any that fit. */
export function validInput(name: CallName, ids: IdPool = () => []): fc.Arbitrary<unknown> {
  return arbitraryOf(inputSchemaOf(name), ids, null);
}

/** A field that names a record: `messageId`, `replyToMessageId`, `draftId`, `requestId`, ... */
export function isIdField(field: string): boolean {
  return /Id$/.test(field);
}

/** An id field of a call's input and the JSON Schema of the string it takes (nullable or not). */
export interface IdField {
  readonly field: string;
  /** The schema of the id itself (the string branch of a nullable id). */
  readonly schema: JsonSchema;
  readonly nullable: boolean;
}

/** Every id field at the top of the call's input (inputs are flat objects, or unions of them). */
export function idFieldsOf(name: CallName): IdField[] {
  const fields = new Map<string, IdField>();
  const visit = (schema: JsonSchema): void => {
    for (const choice of schema.anyOf ?? schema.oneOf ?? []) visit(choice);
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      if (!isIdField(field)) continue;
      const branches = property.anyOf ?? property.oneOf ?? [property];
      const stringBranch = branches.find((branch) => branch.type === 'string');
      if (!stringBranch) throw new Error(`contract-inputs: ${name}.${field} is named like an id but takes no string`);
      fields.set(field, { field, schema: stringBranch, nullable: branches.some((branch) => branch.type === 'null') });
    }
  };
  visit(inputSchemaOf(name));
  return [...fields.values()];
}

/** An id of the right shape that names nothing on any device: a fresh UUID where one is required. */
export function nonexistentId(idField: IdField, salt: number): string {
  if (idField.schema.format === 'uuid') return `0badc0de-0000-4000-8000-${salt.toString(16).padStart(12, '0')}`;
  return `no-such-${idField.field}-${salt}`;
}
