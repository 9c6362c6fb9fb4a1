import type { OidcContext, OidcProviderModule } from './oidc-provider-module.js';

/**
 * The only prompt: every authorization goes through the operator round-trip (Annex steps
 * 5–15), so each one gets a fresh OperatorAccessToken; an existing session never skips it.
 *
 * `prompt=none` is what Number Verification clients send, and the operator round-trip is
 * not a user interaction: the check takes `none` out of the request (oidc-provider would
 * otherwise answer `login_required`) and records it in the prompt details, so the operator
 * is asked with `prompt=none` in turn and any page it would show becomes an error.
 */
export function createAggregatorPolicy(oidc: OidcProviderModule): unknown[] {
  const { Prompt, Check } = oidc.interactionPolicy;
  const promptNone = new WeakSet<object>();
  return [
    new Prompt(
      { name: 'login', requestable: true },
      new Check(
        'operator_authentication',
        'the device must be authenticated by its mobile network',
        'login_required',
        (ctx: OidcContext) => {
          if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
          const params = ctx.oidc.params;
          if (params && ctx.oidc.prompts.has('none')) {
            promptNone.add(ctx);
            const rest = [...ctx.oidc.prompts].filter((p) => p !== 'none').join(' ');
            params.prompt = rest || undefined;
          }
          return Check.REQUEST_PROMPT;
        },
        (ctx: OidcContext) => ({ prompt_none: promptNone.has(ctx) }),
      ),
    ),
  ];
}
