/**
 * Re-entrancy found by an adversarial review: listeners that stop the client or unsubscribe others
 * while a transition is being delivered, and ports that deliver events while the client is created.
 */
import { apiToken, createCartoAuth, manualClock, memoryPorts, spa, type AuthSnapshot } from '..';
import { countRequests, demoM2mClient, spaPage, useEmulator } from '../../test/harness';

const emulator = useEmulator();
beforeEach(() => emulator().admin.reset());
const API = 'https://gcp-us-east1.api.carto.com';

/** The promise's outcome, or 'pending' if it has not settled within `ms` (a hang is the failure here). */
function settleWithin<T>(promise: Promise<T>, ms: number) {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ rejected: error }),
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

const tokenClient = () =>
  createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: API, ports: memoryPorts() });

describe('stop() called from a listener', () => {
  it('rejects the getAccessToken() that caused the transition with cancelled, and sends nothing', async () => {
    const client = demoM2mClient(emulator(), {}, { ports: memoryPorts({ clock: manualClock(Date.now()) }) });
    client.inspect((_previous, event) => {
      if (event.to === 'fetching') client.stop();
    });
    expect(await settleWithin(client.getAccessToken(), 2_000)).toEqual({
      rejected: expect.objectContaining({ code: 'cancelled' }),
    });
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('start() settles with cancelled when a listener stops the client on loading', async () => {
    const client = spaPage(emulator()).client();
    client.listen((snapshot) => snapshot.status === 'loading' && client.stop());
    expect(await settleWithin(client.start(), 2_000)).toEqual({
      rejected: expect.objectContaining({ code: 'cancelled' }),
    });
  });

  it('no redirect to /authorize after a listener stopped the client on the login transition', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    await client.start();
    client.listen((snapshot) => snapshot.status === 'loading' && client.stop());
    await client.login();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(page.nav.redirects).toEqual([]);
  });

  it('no refresh token is redeemed after a listener stopped the client as the renewal started', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const before = await countRequests(emulator(), '/oauth/token');
    client.inspect((_previous, event) => event.to === 'renewing' && client.stop());
    await expect(client.getAccessToken({ forceRenew: true })).rejects.toMatchObject({ code: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await countRequests(emulator(), '/oauth/token')).toBe(before);
  });

  it('no renewal timer is left behind by a listener that stops the client once signed in', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    first.stop();
    const client = page.client();
    client.listen((snapshot) => snapshot.status === 'authenticated' && client.stop());
    await client.start().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page.clock.pending).toBe(0);
  });

  it('no other listener hears of the transition once one has stopped the client', () => {
    const client = tokenClient();
    const heard: AuthSnapshot[] = [];
    client.listen(() => client.stop());
    client.listen((snapshot) => heard.push(snapshot));
    client.logout();
    expect(heard).toEqual([]);
  });
});

it('a listener unsubscribed by an earlier one during a notification is not called (a parent unmounting its child)', () => {
  const client = tokenClient();
  const heardByChild: string[] = [];
  let unsubscribeChild = () => undefined as void;
  client.listen(() => unsubscribeChild());
  unsubscribeChild = client.listen((snapshot) => heardByChild.push(snapshot.status));
  client.logout();
  expect(heardByChild).toEqual([]);
});

it('a port that delivers an event while the strategy connects to it does not break createCartoAuth', () => {
  const ports = memoryPorts();
  // This client's own logout message (see logoutMessage), so that it reaches the machine.
  ports.broadcast = {
    post: () => undefined,
    subscribe: (listener) => (listener('carto-auth:c:logout'), () => undefined),
  };
  const client = createCartoAuth({
    strategy: spa({ clientId: 'c', redirectUri: 'http://127.0.0.1:4200/callback' }),
    apiBaseUrl: API,
    ports,
  });
  expect(client.getSnapshot().status).toBe('idle');
});

it('an apiBaseUrl with a path (a reverse proxy under /carto) allows its origin by default', () => {
  const client = createCartoAuth({
    strategy: apiToken({ token: 't' }),
    apiBaseUrl: 'https://proxy.example.com/carto',
    ports: memoryPorts(),
  });
  expect(client.isAllowedUrl('https://proxy.example.com/carto/v3/sql')).toBe(true);
  expect(client.isAllowedUrl('https://example.com/carto/v3/sql')).toBe(false);
});
