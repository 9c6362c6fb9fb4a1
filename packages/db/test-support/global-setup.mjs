// Jest loads global setup outside its ESM transform; tsx lets it run our TypeScript.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { buildTemplate } = await tsImport('./build-template.ts', import.meta.url);
  await buildTemplate();
}
