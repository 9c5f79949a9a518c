import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev -w web` serves the app with hot reloading and sends the API's paths
// to a Meridian already running on port 3000 (`npm start`).
const api = process.env.MERIDIAN_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [
    sveltekit({
      // Its own environment prefix, so that Meridian's HOST, PORT and friends never
      // reach the adapter: web/mount.ts sets the few variables its handler reads.
      adapter: adapter({ envPrefix: 'MERIDIAN_WEB_' }),
      // Scripts only from Meridian itself (SvelteKit adds a nonce or hash for its own
      // inline bootstrap); images from anywhere (thumbnails and avatars live on other
      // hosts); map styles, tiles and glyphs from any http(s) host (MAP_STYLE_URL).
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self', 'unsafe-inline'],
          'img-src': ['self', 'data:', 'blob:', 'https:', 'http:'],
          'connect-src': ['self', 'https:', 'http:'],
          'worker-src': ['self', 'blob:'],
          'font-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
  ],
  // maplibre-gl alone is ~900 kB minified; it loads on its own, after the page.
  build: { chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/stac': api, '/api/v1': api, '/data': api } },
});
