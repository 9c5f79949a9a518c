// The web app end to end, in Debian's Chromium, on the real stack: Meridian as
// `npm start` runs it (the API, the web app, the data proxy and the indexer in one
// process, over its embedded catalog and metadata store), STAC fixtures loaded
// through the transaction API, and a STAC catalog with a COG made by GDAL
// uploaded through the page. Every page is screenshot into web/test/screenshots/
// and checked with axe-core in the light and the dark theme.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { PASSWORD } from '../../api/test/http-client.ts';
import { Client, fixtures, loadFixtures } from '../../api/test/stac-helpers.ts';
import { ensureWebBuild } from '../scripts/build-if-stale.ts';
import { checkBothThemes, checkPage, chromiumMissing, launchChromium, mapLoaded, type Browser, type Page, type PageWindow } from './browser.ts';
import { startMeridian, type MeridianProcess } from './meridian-process.ts';

const gdalMissing = spawnSync('gdal_translate', ['--version']).status === 0 ? undefined : 'gdal_translate is not installed (apt-get install gdal-bin)';

/** A small Cloud-Optimized GeoTIFF over Lisbon, made by GDAL, as `dir`/lisbon.tif. */
function makeCog(dir: string): Buffer {
  const plain = join(dir, 'plain.tif');
  const cog = join(dir, 'lisbon.tif');
  const run = (command: string, ...args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    assert.equal(result.status, 0, `${command} failed: ${result.stderr}`);
  };
  run('gdal_create', '-q', '-of', 'GTiff', '-outsize', '256', '256', '-bands', '1', '-burn', '42', '-a_srs', 'EPSG:4326', '-a_ullr', '-9.25', '38.8', '-9.05', '38.65', plain);
  run('gdal_translate', '-q', '-of', 'COG', plain, cog);
  return readFileSync(cog);
}

/**
 * Where a longitude and latitude are on the screen, from the map's view in the URL
 * (`map=zoom/lat/lon`) and Web Mercator with MapLibre's 512-pixel tiles.
 */
async function screenPoint(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  const [zoom, centreLat, centreLon] = new URL(page.url()).searchParams.get('map')!.split('/').map(Number);
  const size = 512 * 2 ** zoom;
  const x = (l: number) => ((l + 180) / 360) * size;
  const y = (p: number) => ((1 - Math.log(Math.tan(Math.PI / 4 + (p * Math.PI) / 360)) / Math.PI) / 2) * size;
  const box = (await page.locator('[data-testid="search-map"]').boundingBox())!;
  return { x: box.x + box.width / 2 + x(lon) - x(centreLon), y: box.y + box.height / 2 + y(lat) - y(centreLat) };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A STAC catalog in `dir`: a catalog, a collection, an item whose asset is the COG next to them, and an invalid item. */
function writeStacCatalog(dir: string): void {
  const footprint = { type: 'Polygon', coordinates: [[[-9.25, 38.65], [-9.05, 38.65], [-9.05, 38.8], [-9.25, 38.8], [-9.25, 38.65]]] };
  const json = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value, null, 2));
  json('catalog.json', {
    type: 'Catalog', stac_version: '1.0.0', id: 'lisbon', description: 'Elevation around Lisbon',
    links: [{ rel: 'root', href: './catalog.json', type: 'application/json' }, { rel: 'child', href: './collection.json', type: 'application/json' }],
  });
  json('collection.json', {
    type: 'Collection', stac_version: '1.0.0', id: 'lisbon-dem', title: 'Lisbon DEM collection', description: 'A digital elevation model of Lisbon', license: 'CC-BY-4.0',
    extent: { spatial: { bbox: [[-9.25, 38.65, -9.05, 38.8]] }, temporal: { interval: [['2025-06-01T00:00:00Z', null]] } },
    links: [{ rel: 'root', href: './catalog.json' }, { rel: 'parent', href: './catalog.json' }, { rel: 'item', href: './items/lisbon-dem.json', type: 'application/geo+json' },
      { rel: 'item', href: './items/broken.json', type: 'application/geo+json' }],
  });
  // No datetime, no geometry member: the validation report must name it.
  json('items/broken.json', { type: 'Feature', stac_version: '1.0.0', id: 'broken', properties: {}, links: [], assets: {} });
  json('items/lisbon-dem.json', {
    type: 'Feature', stac_version: '1.0.0', id: 'lisbon-dem', collection: 'lisbon-dem', geometry: footprint, bbox: [-9.25, 38.65, -9.05, 38.8],
    properties: { datetime: '2025-06-01T00:00:00Z', title: 'Lisbon DEM' },
    assets: { data: { href: '../lisbon.tif', type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'], title: 'Elevation COG' } },
    links: [{ rel: 'root', href: '../catalog.json' }, { rel: 'parent', href: '../collection.json' }, { rel: 'collection', href: '../collection.json' }],
  });
}

serviceSuite('web app in Chromium', chromiumMissing() ?? gdalMissing, () => {
  let server: MeridianProcess;
  let browser: Browser;
  let scratch: string;

  before(async () => {
    ensureWebBuild((line) => console.log(`# ${line}`));
    server = await startMeridian();
    await loadFixtures(new Client(server));
    browser = await launchChromium();
    scratch = mkdtempSync(join(tmpdir(), 'meridian-web-'));
  }, { timeout: 300_000 });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, ...options });
    return context.newPage();
  }

  /** Draws a box on the search map, from one corner to the other, offsets in pixels from the map's centre. */
  async function drawBox(page: Page, from: [number, number], to: [number, number]): Promise<void> {
    await page.getByRole('button', { name: 'Draw box' }).click();
    const box = await page.locator('[data-testid="search-map"]').boundingBox();
    assert.ok(box, 'the map is on the page');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.click(cx + from[0], cy + from[1]);
    await page.mouse.move(cx + (from[0] + to[0]) / 2, cy + (from[1] + to[1]) / 2, { steps: 5 });
    await page.mouse.move(cx + to[0], cy + to[1], { steps: 5 });
    await page.mouse.click(cx + to[0], cy + to[1]);
  }

  test('the map search: coastlines and footprints drawn, a box drawn on the map finds what is inside it, and the state lives in the URL', async () => {
    const page = await newPage();
    const data = fixtures();
    // Offline: the page, its scripts, styles, the basemap and every API call come from Meridian itself;
    // only the fixtures' own thumbnails point elsewhere.
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && request.resourceType() !== 'image') elsewhere.push(`${request.resourceType()} ${request.url()}`);
    });
    await page.goto(`${server.url}/`);
    await mapLoaded(page);
    const total = data.all.length;
    assert.match(await page.locator('#results-heading').innerText(), new RegExp(`^${total} matches`));
    await checkBothThemes(page, 'discover');
    // More matches than the list shows: every match is shaded by density, from the aggregation API.
    await page.getByText('Shading: where all the matches are').waitFor();

    // Over Joplin (Missouri), at a zoom where its 30 footprints fill the middle of the map.
    await page.goto(`${server.url}/?map=9/37.07/-94.55`);
    await mapLoaded(page);
    await drawBox(page, [-220, -160], [220, 160]);
    await page.waitForURL(/bbox=/);
    await page.locator('#results-heading', { hasText: /^30 matches/ }).waitFor();
    const bbox = new URL(page.url()).searchParams.get('bbox')!.split(',').map(Number);
    assert.ok(bbox[0] < -94.69 && bbox[2] > -94.40 && bbox[1] < 37.03 && bbox[3] > 37.11, `the drawn box ${bbox} holds Joplin`);
    const listed = await Promise.all((await page.locator('.result-list li').all()).map((li) => li.getAttribute('data-item')));
    assert.equal(listed.length, 20, 'one page of 20');
    assert.ok(listed.every((key) => key?.startsWith('joplin/')), 'only Joplin items are inside the box');
    await page.waitForTimeout(500);
    await checkPage(page, 'discover-box');

    // The box is edited in place: one corner dragged outwards, the others stay.
    await page.getByRole('button', { name: 'Edit area' }).click();
    const corner = await screenPoint(page, bbox[2], bbox[1]);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(corner.x + 30, corner.y + 20, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.get('bbox') !== bbox.join(','));
    const edited = new URL(page.url()).searchParams.get('bbox')!.split(',').map(Number);
    assert.ok(edited[2] > bbox[2] && edited[1] < bbox[1], `east and south moved out: ${bbox} → ${edited}`);
    assert.ok(Math.abs(edited[0] - bbox[0]) < 1e-6 && Math.abs(edited[3] - bbox[3]) < 1e-6, 'west and north stayed');
    await page.getByRole('button', { name: 'Done' }).click();

    // Hovering a result highlights it; the same URL in a new tab shows the same search.
    const shownBbox = new URL(page.url()).searchParams.get('bbox')!.split(',').map(Number);
    await page.locator('.result-list li').first().hover();
    assert.match(await page.locator('.result-list li').first().getAttribute('class') ?? '', /highlighted/);
    const shared = page.url();
    const again = await newPage();
    await again.goto(shared);
    assert.match(await again.locator('#results-heading').innerText(), /^30 matches/);
    assert.equal(await again.locator('#bbox').inputValue(), shownBbox.join(', '));
    await again.context().close();

    // "Search this view" searches the map's box; a polygon drawn corner by corner searches inside it.
    await page.getByRole('button', { name: 'Clear area' }).click();
    await page.waitForURL((url) => !url.searchParams.has('bbox'));
    // From the keyboard, as any control.
    await page.getByRole('button', { name: 'Search this view' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/bbox=/);
    await page.locator('#results-heading', { hasText: /^30 matches/ }).waitFor();
    await page.getByRole('button', { name: 'Draw polygon' }).click();
    const area = (await page.locator('[data-testid="search-map"]').boundingBox())!;
    const at = (dx: number, dy: number) => page.mouse.click(area.x + area.width / 2 + dx, area.y + area.height / 2 + dy);
    for (const [dx, dy] of [[-200, -150], [200, -150], [200, 150], [-200, 150], [-200, -150]]) {
      await at(dx, dy);
      await page.waitForTimeout(150);
    }
    await page.waitForURL(/intersects=/);
    await page.locator('#results-heading', { hasText: /^30 matches/ }).waitFor();
    assert.equal(new URL(page.url()).searchParams.has('bbox'), false, 'a polygon replaces the box');
    await checkPage(page, 'discover-polygon');

    // A facet and a time range narrow it further; the histogram links set the range.
    await page.goto(`${server.url}/?collection=sentinel-2-c1-l2a`);
    assert.match(await page.locator('#results-heading').innerText(), /^10 matches/);
    await page.goto(`${server.url}/?collection=sentinel-2-c1-l2a&from=2024-04-20&to=2024-04-30`);
    const inRange = data.s2.filter((item) => item.properties.datetime >= '2024-04-20' && item.properties.datetime <= '2024-04-30T23:59:59Z').length;
    assert.match(await page.locator('#results-heading').innerText(), new RegExp(`^${inRange} match`));
    assert.deepEqual(elsewhere, [], 'nothing but images comes from another host');
    await page.context().close();
  });

  test('a new person signs up, creates a repository, uploads a STAC catalog and a COG, watches indexing finish, finds the data by drawing a box and downloads the COG byte for byte', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/signup`);
    await checkBothThemes(page, 'signup');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Account id').fill('ada');
    await page.getByLabel('Email').fill('ada@example.org');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/accounts\/ada/);
    await checkBothThemes(page, 'account');

    await page.getByRole('link', { name: 'New repository' }).first().click();
    await page.waitForURL(/\/repositories\/new/);
    await page.getByLabel('Repository id').fill('lisbon-elevation');
    await page.getByLabel('Title').fill('Lisbon elevation');
    await page.getByLabel('Description').fill('A **test** raster over Lisbon.\n\n<script>alert(1)</script>');
    await page.getByLabel('Tags').fill('elevation, portugal');
    await page.getByLabel('License').fill('CC-BY-4.0');
    await page.getByLabel('Published').check();
    await checkPage(page, 'repository-new');
    await page.getByRole('button', { name: 'Create repository' }).click();
    await page.waitForURL(/\/repositories\/ada\/lisbon-elevation$/);
    assert.equal(await page.locator('h1').innerText(), 'Lisbon elevation');
    assert.equal(await page.locator('.markdown strong').first().innerText(), 'test', 'the description is rendered Markdown');
    assert.equal(await page.locator('.markdown script').count(), 0, 'and sanitised');

    // A STAC catalog (catalog, collection, item) around a COG, picked as a folder; and a
    // file large enough to go up in parts, with the network cut while it does.
    const folder = join(scratch, 'lisbon');
    mkdirSync(join(folder, 'items'), { recursive: true });
    const cog = makeCog(folder);
    rmSync(join(folder, 'plain.tif'));
    writeStacCatalog(folder);
    const big = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(scratch, 'big.bin'), big);

    await page.getByRole('link', { name: 'Upload', exact: true }).click();
    await page.waitForURL(/\/upload$/);
    await page.locator('.uploader[data-ready="true"]').waitFor();
    await page.getByTestId('pick-folder').setInputFiles(folder);
    await page.getByTestId('pick-files').setInputFiles(join(scratch, 'big.bin'));
    await checkPage(page, 'upload-ready');
    assert.deepEqual((await page.locator('.queue code').allInnerTexts()).sort(),
      ['big.bin', 'lisbon/catalog.json', 'lisbon/collection.json', 'lisbon/items/broken.json', 'lisbon/items/lisbon-dem.json', 'lisbon/lisbon.tif']);
    await page.getByRole('button', { name: /^Upload 6 files$/ }).click();
    const bigRow = page.locator('tr', { has: page.locator('code', { hasText: /^big\.bin$/ }) });
    await page.waitForFunction(() => Number((globalThis as unknown as PageWindow).document.querySelector('progress[aria-label="Upload of big.bin"]')?.value ?? 0) > 0);
    await page.context().setOffline(true);
    await page.waitForTimeout(1500);
    await page.context().setOffline(false);
    // The uploader waits for the network and goes on; a part that ran out of retries is picked up by Retry.
    await page.locator('.actions').getByText(/Retry failed|Clear finished/).first().waitFor({ timeout: 120_000 });
    if (await page.getByRole('button', { name: 'Retry failed' }).count()) await page.getByRole('button', { name: 'Retry failed' }).click();
    await page.getByText('All 6 files uploaded.').waitFor({ timeout: 120_000 });
    assert.equal(await bigRow.getAttribute('data-state'), 'done');
    await checkPage(page, 'upload-done');
    const bigBack = Buffer.from(await (await fetch(`${server.url}/data/ada/lisbon-elevation/big.bin`)).arrayBuffer());
    assert.equal(sha256(bigBack), sha256(big), 'the multipart upload stored the file byte for byte');

    // The index status page follows the crawl live until it has indexed the catalog and the COG.
    await page.getByRole('link', { name: 'Watch the index status' }).click();
    await page.waitForURL(/\/status$/);
    await page.locator('.state[data-state="indexed"]').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => Number((globalThis as unknown as PageWindow).document.querySelector('[data-count="indexed"]')?.textContent) >= 2, undefined, { timeout: 60_000 });
    assert.ok(Number(await page.locator('[data-count="invalid"]').innerText()) >= 1, 'the invalid item is counted');
    assert.match(await page.locator('table.problems').innerText(), /lisbon\/items\/broken\.json/, 'and named in the validation report');
    await checkBothThemes(page, 'index-status');
    // Anyone may see how indexing went; only maintainers read the report.
    const stranger = await newPage();
    await stranger.goto(page.url());
    assert.equal(await stranger.locator('table.problems').count(), 0);
    assert.match(await stranger.locator('#report-heading + p').innerText(), /maintainers can read them/);
    await stranger.context().close();

    await page.goto(`${server.url}/repositories/ada/lisbon-elevation`);
    await checkBothThemes(page, 'repository');
    await page.getByRole('link', { name: 'lisbon/' }).click();
    await page.waitForURL(/\/files\/lisbon$/);
    await checkPage(page, 'repository-folder');
    await page.getByRole('link', { name: 'lisbon.tif' }).click();
    await page.waitForURL(/\/files\/lisbon\/lisbon\.tif$/);
    assert.match(await page.locator('.facts').innerText(), new RegExp(`${cog.length.toLocaleString('en-GB')} bytes`));
    await checkPage(page, 'repository-file');

    // Found on the map by drawing a box around Lisbon.
    await page.goto(`${server.url}/?map=9/38.72/-9.15`);
    await mapLoaded(page);
    await drawBox(page, [-200, -150], [200, 150]);
    await page.waitForURL(/bbox=/);
    await page.getByRole('link', { name: 'Lisbon DEM', exact: true }).waitFor();
    await page.waitForTimeout(500);
    await checkPage(page, 'discover-lisbon');
    await page.getByRole('link', { name: 'Lisbon DEM', exact: true }).click();
    await page.waitForURL(/\/items\/lisbon-dem$/);
    await mapLoaded(page);
    await checkBothThemes(page, 'item');
    await page.getByText('Copy a command').first().click();
    const snippets = await page.locator('.asset details').first().innerText();
    assert.match(snippets, /aws s3 cp 's3:\/\/ada\/lisbon-elevation\/lisbon\/lisbon\.tif'/);
    assert.match(snippets, /gdalinfo '\/vsicurl\/http:\/\/127\.0\.0\.1:\d+\/data\/ada\/lisbon-elevation\/lisbon\/lisbon\.tif'/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Elevation COG' }).click()]);
    const saved = join(scratch, 'downloaded.tif');
    await download.saveAs(saved);
    assert.equal(sha256(readFileSync(saved)), sha256(cog), 'the downloaded bytes are the COG');

    await page.getByRole('link', { name: 'Lisbon DEM collection' }).click();
    await page.waitForURL(/\/collections\/[^/]+$/);
    await mapLoaded(page);
    assert.match(await page.locator('.validation').innerText(), /broken\.json/, 'the owner reads the report on the collection page');
    await checkBothThemes(page, 'collection');
    await page.context().close();
  });

  test('organisations, members and the invitations inbox, API keys shown once and revoked, repository settings', async () => {
    const grace = await newPage();
    await grace.goto(`${server.url}/signup`);
    await grace.getByLabel('Name').fill('Grace Hopper');
    await grace.getByLabel('Account id').fill('grace');
    await grace.getByLabel('Email').fill('grace@example.org');
    await grace.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await grace.getByLabel('Password again').fill(PASSWORD);
    await grace.getByRole('button', { name: 'Create account' }).click();
    await grace.waitForURL(/\/accounts\/grace/);

    await grace.goto(`${server.url}/organizations/new`);
    await checkPage(grace, 'organization-new');
    await grace.getByLabel('Name').fill('Ocean Lab');
    await grace.getByLabel('Organisation id').fill('ocean-lab');
    await grace.getByRole('button', { name: 'Create organisation' }).click();
    await grace.waitForURL(/\/accounts\/ocean-lab$/);
    await checkPage(grace, 'organization');
    await grace.getByRole('link', { name: 'Members' }).click();
    await grace.getByLabel('Their account id').fill('ada');
    await grace.getByLabel('Role', { exact: true }).selectOption('maintainers');
    await grace.getByRole('button', { name: 'Send invitation' }).click();
    await grace.getByText('Invited ada.').waitFor();
    assert.match(await grace.locator('table.members').innerText(), /ada\s+invited/i);
    await checkBothThemes(grace, 'organization-members');

    // Ada signs in (from another browser), finds the invitation in her inbox and accepts it.
    const ada = await newPage();
    await ada.goto(`${server.url}/signin`);
    await checkBothThemes(ada, 'signin');
    await ada.getByLabel('Email').fill('ada@example.org');
    await ada.getByLabel('Password').fill(PASSWORD);
    await ada.getByRole('button', { name: 'Sign in' }).click();
    await ada.waitForURL(`${server.url}/`);
    await mapLoaded(ada);
    assert.match(await ada.getByRole('link', { name: /Inbox/ }).innerText(), /1/);
    await ada.getByRole('link', { name: /Inbox/ }).click();
    await ada.waitForURL(/\/invitations$/);
    await checkBothThemes(ada, 'inbox');
    await ada.getByRole('button', { name: 'Accept the invitation to ocean-lab' }).click();
    await ada.getByText('You joined').waitFor();
    await grace.reload();
    assert.equal(await grace.locator('#role-ada').inputValue(), 'maintainers', 'ada is a member now, her role can be changed');
    assert.doesNotMatch(await grace.locator('table.members').innerText(), /invited/i);

    // An API key: the secret shown once, working against the API, then revoked.
    await ada.goto(`${server.url}/accounts/ada/api-keys`);
    await ada.getByLabel('Name').fill('laptop');
    await ada.getByRole('button', { name: 'Create key' }).click();
    const secret = await ada.getByTestId('secret-access-key').innerText();
    const accessKeyId = await ada.getByTestId('access-key-id').innerText();
    await checkPage(ada, 'api-key-created');
    const asKey = await fetch(`${server.url}/api/v1/session`, { headers: { authorization: `Bearer ${accessKeyId}.${secret}` } });
    assert.equal(asKey.status, 200);
    await ada.reload();
    assert.equal(await ada.getByText(secret).count(), 0, 'the secret is not shown again');
    await checkBothThemes(ada, 'api-keys');
    await ada.getByRole('button', { name: 'Revoke the key laptop' }).click();
    await ada.getByText(`Revoked ${accessKeyId}`).waitFor();
    const revoked = await fetch(`${server.url}/api/v1/session`, { headers: { authorization: `Bearer ${accessKeyId}.${secret}` } });
    assert.equal(revoked.status, 401);

    // Settings: metadata edited and saved; members of a repository.
    await ada.goto(`${server.url}/repositories/ada/lisbon-elevation/settings`);
    await checkBothThemes(ada, 'repository-settings');
    await ada.getByLabel('Title').fill('Lisbon elevation model');
    await ada.getByRole('button', { name: 'Save changes' }).click();
    await ada.getByText('Saved.').waitFor();
    await ada.goto(`${server.url}/repositories/ada/lisbon-elevation`);
    assert.equal(await ada.locator('h1').innerText(), 'Lisbon elevation model');
    await ada.goto(`${server.url}/repositories/ada/lisbon-elevation/members`);
    await checkPage(ada, 'repository-members');
    await ada.goto(`${server.url}/repositories`);
    await checkPage(ada, 'repositories');
    await ada.goto(`${server.url}/no/such/page`);
    await checkPage(ada, 'not-found');
    await grace.context().close();
    await ada.context().close();
  });

  test('without JavaScript: the search form and sign-in work', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Search for').fill('joplin');
    await page.locator('#bbox').fill('-94.7, 37, -94.4, 37.2');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=joplin/);
    assert.match(await page.locator('#results-heading').innerText(), /^30 matches/);
    await page.getByLabel('Sort').selectOption('-datetime');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/sort=-datetime/);
    assert.match(await page.locator('#results-heading').innerText(), /^30 matches/);
    await checkPage(page, 'discover-no-js', { axe: false });

    await page.goto(`${server.url}/signin?next=/invitations`);
    await page.getByLabel('Email').fill('ada@example.org');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That email and password do not match an account.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/invitations$/);
    assert.equal(await page.locator('h1').innerText(), 'Inbox');
    await page.context().close();
  });

  test('on a phone: the map above the results, every control reachable', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/?collection=joplin`);
    await mapLoaded(page);
    await checkPage(page, 'discover-phone');
    const map = await page.locator('[data-testid="search-map"]').boundingBox();
    const results = await page.locator('#results-heading').boundingBox();
    assert.ok(map && results && map.y < results.y, 'the map comes first');
    assert.ok(map.width <= 390, 'nothing wider than the screen');
    await context.close();
  });
});
