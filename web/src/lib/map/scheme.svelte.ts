// The colour scheme the maps draw in: the chosen theme, or the system's preference.
import { onMount } from 'svelte';
import type { Theme } from '#lib/theme.ts';

export function colourScheme(theme: () => Theme): { readonly current: 'light' | 'dark' } {
  let prefersDark = $state(false);
  onMount(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    prefersDark = query.matches;
    const follow = () => (prefersDark = query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  });
  return {
    get current() {
      const chosen = theme();
      return chosen === 'dark' || (chosen === 'system' && prefersDark) ? 'dark' : 'light';
    },
  };
}
