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
    }),
  ],
  // maplibre-gl alone is ~900 kB minified; it loads on its own, after the page.
  build: { chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/stac': api, '/api/v1': api, '/data': api } },
});
