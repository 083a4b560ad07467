/**
 * The ISO 4217 currency codes this runtime knows (its ICU data, about 160 codes
 * in circulation). Read once: the list is what `Intl.NumberFormat` can format,
 * which excludes codes such as `XXX` (no currency) and `XAU` (gold).
 */
const KNOWN = new Set(Intl.supportedValuesOf('currency'))

/** Whether `code` is an ISO 4217 currency code in circulation, such as `EUR` or `JPY`. */
export const isCurrencyCode = (code: string): boolean => KNOWN.has(code)
