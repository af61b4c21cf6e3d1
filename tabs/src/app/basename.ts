/** The server serves the built pages here; Teams static tabs open /tabs/<page> directly. */
export const BASENAME = '/tabs';
