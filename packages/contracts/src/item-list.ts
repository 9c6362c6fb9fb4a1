import { z } from 'zod';

/** Every listing answers `{items: [...]}`. */
export const itemListOf = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item) }).strict();

export type ItemList<T> = z.output<ReturnType<typeof itemListOf<z.ZodType<T>>>>;
