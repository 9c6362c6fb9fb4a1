import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { dropTemplate } = await tsImport('./drop-template.ts', import.meta.url);
  await dropTemplate();
}
