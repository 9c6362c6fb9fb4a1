import { KYC_GENDERS, PHONE_NUMBER_PATTERN, isCalendarDate, isEmail } from '@switchboard/camara';
import { z } from 'zod';

/**
 * The `kycMatch` key of a sandbox instance (config/sandbox.json): the operator's verified KYC
 * records, one per phone number, and whether it requires `idDocument` before matching
 * (KYC Match v0.3.0 "second level validation").
 */
const text = z.string().trim().min(1, 'must not be empty');

const kycRecord = z.strictObject({
  phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'"),
  idDocument: text.optional(),
  name: text.optional(),
  givenName: text.optional(),
  familyName: text.optional(),
  nameKanaHankaku: text.optional(),
  nameKanaZenkaku: text.optional(),
  middleNames: text.optional(),
  familyNameAtBirth: text.optional(),
  address: text.optional(),
  streetName: text.optional(),
  streetNumber: text.optional(),
  postalCode: text.optional(),
  region: text.optional(),
  locality: text.optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2')
    .optional(),
  houseNumberExtension: text.optional(),
  birthdate: z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD').optional(),
  email: z.string().refine(isEmail, 'must be an email address').optional(),
  gender: z.enum(KYC_GENDERS).optional(),
});

export const kycMatchConfig = z
  .strictObject({
    idDocumentRequired: z.boolean().default(false),
    records: z.array(kycRecord).default([]),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.records.forEach((record, index) => {
      if (seen.has(record.phoneNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', index, 'phoneNumber'],
          message: `duplicate record for ${record.phoneNumber}`,
        });
      }
      seen.add(record.phoneNumber);
      if (c.idDocumentRequired && record.idDocument === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', index, 'idDocument'],
          message: 'is required when idDocumentRequired is true',
        });
      }
    });
  });

export type KycRecord = Readonly<z.output<typeof kycRecord>>;
export type KycMatchConfig = Readonly<z.output<typeof kycMatchConfig>>;
