/**
 * How tokens show network-based authentication (CAMARA ICM: "`amr` shows it"). RFC 8176
 * registers no value for it; we use `nbma` ("network-based mobile authentication"), a value
 * operator Open Gateway platforms use in `amr`, with Mobile Connect level of assurance 2 as `acr`.
 */
export const NETWORK_AUTHENTICATION_AMR: ReadonlyArray<string> = ['nbma'];
export const NETWORK_AUTHENTICATION_ACR = '2';

/**
 * `amr` of a token issued for an `operatortoken:` subject. The TS.43 Temporary Token was issued
 * after the SIM authenticated to the operator's network (EAP-AKA against its AuC; simulated in
 * the sandbox), so the number it names is network-authenticated and Number Verification accepts
 * it (CAMARA NV 2.1: "JWT Bearer with Operator Token").
 */
export const OPERATOR_TOKEN_AMR: ReadonlyArray<string> = NETWORK_AUTHENTICATION_AMR;
