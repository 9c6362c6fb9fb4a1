import { describe, expect, it, jest } from '@jest/globals';
import { loadOidcProvider } from './oidc-provider-module.js';

describe('loadOidcProvider', () => {
  it("drops oidc-provider's one runtime warning while it loads, and leaves console.warn as it was", async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const module = await loadOidcProvider();
      expect(typeof module.Provider).toBe('function');
      expect(warn.mock.calls.flat().join(' ')).not.toContain('Unsupported runtime');
      expect(console.warn).toBe(warn);
      console.warn('another warning');
      expect(warn).toHaveBeenCalledWith('another warning');
    } finally {
      warn.mockRestore();
    }
  });
});
