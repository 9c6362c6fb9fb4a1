/**
 * How tokens show network-based authentication (CAMARA ICM: "`amr` shows it"). RFC 8176
 * registers no value for it; we use `nbma` ("network-based mobile authentication"), a value
 * operator Open Gateway platforms use in `amr`, with Mobile Connect level of assurance 2 as `acr`.
 */
export const NETWORK_AUTHENTICATION_AMR: ReadonlyArray<string> = ['nbma'];
export const NETWORK_AUTHENTICATION_ACR = '2';
