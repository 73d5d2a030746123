import { Type } from 'class-transformer';
import { IsObject, ValidateBy, ValidateNested, type ValidationArguments } from 'class-validator';

// class-validator's @ValidateNested validates the items of an array it meets where an object belongs, so
// `"threshold": []` or `"turns": [[…]]` passed validation with none of the nested rules run, and reached
// the services as lists (a 500 reading turns[0].text, a rule stored without minShare). These wrap it with
// the check that the value (or each item) really is an object.

const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** A nested object of class `cls`, validated by its own rules. */
export function NestedObject(cls: () => new () => object): PropertyDecorator {
  return (target, key) => {
    IsObject({ message: (a: ValidationArguments) => `${a.property} must be an object, not ${kindOf(a.value)}` })(target, key as string);
    ValidateNested()(target, key as string);
    Type(cls)(target, key);
  };
}

/** An array of objects of class `cls`, each validated by its own rules; the message names the first item that is not one. */
export function NestedObjects(cls: () => new () => object): PropertyDecorator {
  return (target, key) => {
    ValidateBy({
      name: 'objectItems',
      validator: {
        // not an array at all is @IsArray's to say
        validate: (v: unknown) => !Array.isArray(v) || v.every(isPlainObject),
        defaultMessage: (a?: ValidationArguments) => {
          const items = (a?.value ?? []) as unknown[];
          const at = items.findIndex((x) => !isPlainObject(x));
          return `${a?.property}[${at}] must be an object, not ${kindOf(items[at])}`;
        },
      },
    })(target, key as string);
    ValidateNested({ each: true })(target, key as string);
    Type(cls)(target, key);
  };
}
