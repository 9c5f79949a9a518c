// Light, dark, or whatever the system prefers: kept in a cookie so that the server
// renders the chosen theme at once (no flash), and set by a plain form post.
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = 'meridian_theme';

export const themeOf = (value: string | null | undefined): Theme => THEMES.find((t) => t === value) ?? 'system';
