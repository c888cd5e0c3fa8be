// A quick parse, compiled from a zod schema, for input the schema certainly accepts: the schema stays the one
// definition of the rule, and this only answers faster for the common case. A device checks every change of every pull
// (main/sync/apply-pull.ts); zod's general machinery was most of that check's cost (BENCHMARKS.md, sync-apply).
//
// The answer is conservative. A value means the schema accepts the input and that value is what zod's parse returns:
// the same fields, in the schema's order, nothing stripped, transformed, coerced or defaulted. `notCertain` means only
// that: the caller then parses with zod, which decides and words any error. Whatever part of a schema this file does
// not know how to check (a transform, a pipe, a plain union, a default, a check kind not listed below) compiles to
// `notCertain`, so a new kind of schema is slower, never wrongly accepted.
import type { z } from 'zod';

/** The quick parse's "not certain": parse with zod. */
export const notCertain: unique symbol = Symbol('notCertain');

type Parse = (value: unknown) => unknown;
type Check = (value: unknown) => boolean;

const never: Parse = () => notCertain;

/** A refinement or a size, format or range check of a schema; null when its kind is not one this file knows. */
function checkOf(check: z.core.$ZodCheck<never>): Check | null {
  const known = check as z.core.$ZodChecks | z.core.$ZodCustom;
  const def = known._zod.def;
  switch (def.check) {
    case 'min_length': {
      const { minimum } = def;
      return (value) => (value as { length: number }).length >= minimum;
    }
    case 'max_length': {
      const { maximum } = def;
      return (value) => (value as { length: number }).length <= maximum;
    }
    case 'length_equals': {
      const { length } = def;
      return (value) => (value as { length: number }).length === length;
    }
    case 'string_format': {
      // Only a plain pattern: other formats (email, uuid, includes...) may check more than their pattern.
      const { pattern } = def;
      if (def.format !== 'regex' || pattern === undefined) return null;
      return (value) => {
        pattern.lastIndex = 0;
        return pattern.test(value as string);
      };
    }
    case 'greater_than': {
      const { value: bound, inclusive } = def;
      if (typeof bound !== 'number') return null;
      return inclusive ? (value) => (value as number) >= bound : (value) => (value as number) > bound;
    }
    case 'less_than': {
      const { value: bound, inclusive } = def;
      if (typeof bound !== 'number') return null;
      return inclusive ? (value) => (value as number) <= bound : (value) => (value as number) < bound;
    }
    case 'number_format':
      // `.int()` is the safe-integer format; the others have their own ranges, left to zod.
      return def.format === 'safeint' ? (value) => Number.isSafeInteger(value) : null;
    case 'custom': {
      // A refinement: the very function zod calls. Only a plain `true` passes (a promise would be an async refinement).
      const { fn } = def;
      return (value) => fn(value) === true;
    }
    default:
      return null;
  }
}

/**
 * The schema's checks run on what `parse` returned (zod runs them on its output too); `never` when one of them is of
 * an unknown kind.
 */
function withChecks(schema: z.core.$ZodTypes, parse: Parse): Parse {
  const checks = (schema._zod.def.checks ?? []).map(checkOf);
  if (checks.some((check) => check === null)) return never;
  const known = checks as Check[];
  if (known.length === 0) return parse;
  return (value) => {
    const output = parse(value);
    if (output === notCertain) return notCertain;
    for (const check of known) if (!check(output)) return notCertain;
    return output;
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  // A plain object (what JSON.parse makes) has no inherited enumerable keys, so for…in below counts exactly its own.
  return prototype === Object.prototype || prototype === null;
};

function objectParse(schema: z.core.$ZodObject): Parse {
  const shape = schema._zod.def.shape;
  const fields = Object.keys(shape).map((key) => {
    const field = shape[key]! as z.core.$ZodTypes;
    // Only a field declared optional may be absent; zod may accept other absences (a default), but not unchanged.
    const optional = field._zod.def.type === 'optional';
    return { key, optional, parse: parserOf(optional ? ((field as z.core.$ZodOptional)._zod.def.innerType as z.core.$ZodTypes) : field) };
  });
  return withChecks(schema, (value) => {
    if (!isPlainObject(value)) return notCertain;
    // Built in the shape's order, as zod builds its output (a hub's JSONB sends the keys in another order).
    const output: Record<string, unknown> = {};
    let present = 0;
    for (const field of fields) {
      if (!Object.hasOwn(value, field.key)) {
        if (field.optional) continue;
        return notCertain;
      }
      const parsed = field.parse(value[field.key]);
      if (parsed === notCertain) return notCertain;
      output[field.key] = parsed;
      present += 1;
    }
    // A key the shape does not name would be stripped or refused by zod: left to it.
    let keys = 0;
    for (const key in value) if (Object.hasOwn(value, key)) keys += 1;
    return keys === present ? output : notCertain;
  });
}

function parserOf(schema: z.core.$ZodTypes): Parse {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return def.coerce ? never : withChecks(schema, (value) => (typeof value === 'string' ? value : notCertain));
    case 'number':
      // zod's number refuses NaN and the infinities.
      return def.coerce ? never : withChecks(schema, (value) => (typeof value === 'number' && Number.isFinite(value) ? value : notCertain));
    case 'boolean':
      return def.coerce ? never : withChecks(schema, (value) => (typeof value === 'boolean' ? value : notCertain));
    case 'null':
      return withChecks(schema, (value) => (value === null ? value : notCertain));
    case 'enum':
    case 'literal': {
      // The set zod itself tests against.
      const values = (schema as z.core.$ZodEnum | z.core.$ZodLiteral)._zod.values;
      return withChecks(schema, (value) => (values.has(value as never) ? value : notCertain));
    }
    case 'nullable': {
      const inner = parserOf(def.innerType as z.core.$ZodTypes);
      return withChecks(schema, (value) => (value === null ? value : inner(value)));
    }
    case 'optional': {
      const inner = parserOf(def.innerType as z.core.$ZodTypes);
      return withChecks(schema, (value) => (value === undefined ? value : inner(value)));
    }
    case 'array': {
      const element = parserOf(def.element as z.core.$ZodTypes);
      return withChecks(schema, (value) => {
        if (!Array.isArray(value)) return notCertain;
        const output: unknown[] = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const parsed = element(value[index]);
          if (parsed === notCertain) return notCertain;
          output[index] = parsed;
        }
        return output;
      });
    }
    case 'object':
      return objectParse(schema as z.core.$ZodObject);
    case 'union': {
      // Only a discriminated union, which parses a value with the one option its discriminator names (a plain union
      // returns the first member that succeeds, which this file cannot know without trying them all as zod does).
      if (!('discriminator' in def)) return never;
      const { discriminator } = def as z.core.$ZodDiscriminatedUnionDef;
      const byValue = new Map<unknown, Parse>();
      for (const option of def.options) {
        const values = option._zod.propValues?.[discriminator];
        if (values === undefined) return never;
        const parse = parserOf(option as z.core.$ZodTypes);
        for (const value of values) byValue.set(value, parse);
      }
      return withChecks(schema, (value) => {
        if (!isPlainObject(value)) return notCertain;
        const parse = byValue.get(value[discriminator]);
        return parse === undefined ? notCertain : parse(value);
      });
    }
    default:
      return never;
  }
}

/**
 * Compiles the quick parse of `schema`. What it returns is `schema.parse(value)`'s output, or `notCertain`; it throws
 * only where zod would (a refinement that throws).
 */
export function compileQuickParse<S extends z.core.$ZodType>(schema: S): (value: unknown) => z.output<S> | typeof notCertain {
  const parse = parserOf(schema as unknown as z.core.$ZodTypes);
  return (value) => parse(value) as z.output<S> | typeof notCertain;
}
