/** What the OS consent sheet shows (the guide, Step 1: `consent_data`). */
export interface ConsentData {
  readonly consent_text: string;
  readonly policy_link?: string;
  readonly policy_text: string;
}

export const CONSENT_LANGUAGES = ['en', 'es', 'de', 'pt'] as const;
type Language = (typeof CONSENT_LANGUAGES)[number];
type What = 'number' | 'verify';

const TEXT: Record<Language, (app: string, what: What) => Omit<ConsentData, 'policy_link'>> = {
  en: (app, what) => ({
    consent_text:
      what === 'number'
        ? `${app} wants to know the phone number of the SIM you choose. Your mobile operator will confirm it.`
        : `${app} wants to check that the phone number you gave it is the number of the SIM you choose. Your mobile operator will confirm whether it matches.`,
    policy_text: `Your operator shares this only with ${app}, once, through Switchboard.`,
  }),
  es: (app, what) => ({
    consent_text:
      what === 'number'
        ? `${app} quiere conocer el número de teléfono de la SIM que elijas. Tu operador lo confirmará.`
        : `${app} quiere comprobar que el número de teléfono que le diste es el de la SIM que elijas. Tu operador confirmará si coincide.`,
    policy_text: `Tu operador solo lo comparte con ${app}, una vez, a través de Switchboard.`,
  }),
  de: (app, what) => ({
    consent_text:
      what === 'number'
        ? `${app} möchte die Telefonnummer der SIM-Karte erfahren, die du auswählst. Dein Mobilfunkanbieter bestätigt sie.`
        : `${app} möchte prüfen, ob die angegebene Telefonnummer die der SIM-Karte ist, die du auswählst. Dein Mobilfunkanbieter bestätigt, ob sie übereinstimmt.`,
    policy_text: `Dein Anbieter teilt dies nur mit ${app}, einmalig, über Switchboard.`,
  }),
  pt: (app, what) => ({
    consent_text:
      what === 'number'
        ? `${app} quer saber o número de telefone do SIM que escolher. A sua operadora vai confirmá-lo.`
        : `${app} quer verificar se o número de telefone que indicou é o do SIM que escolher. A sua operadora vai confirmar se coincide.`,
    policy_text: `A sua operadora partilha isto apenas com ${app}, uma vez, através do Switchboard.`,
  }),
};

/**
 * The consent in the requested language: the primary subtag of a BCP 47 tag (`es-ES` → es);
 * any other language falls back to English.
 */
export function consentData(
  lang: string,
  appName: string,
  nvScope: string,
  policyLink: string | undefined,
): ConsentData {
  const primary = lang.split('-')[0]!.toLowerCase();
  const language = (CONSENT_LANGUAGES as readonly string[]).includes(primary)
    ? (primary as Language)
    : 'en';
  const what: What = nvScope === 'number-verification:verify' ? 'verify' : 'number';
  const text = TEXT[language](appName, what);
  return {
    consent_text: text.consent_text,
    ...(policyLink ? { policy_link: policyLink } : {}),
    policy_text: text.policy_text,
  };
}
