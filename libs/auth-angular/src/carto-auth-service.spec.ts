import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { AuthSnapshot, CartoAuthClient } from '@carto-auth/core';
import { CartoAuthService } from './carto-auth-service';
import { provideCartoAuth } from './provide-carto-auth';
import { SIGNED_IN, spaClient, tokenClient } from '@carto-auth/adapter-testing';

@Component({
  selector: 'carto-status-fixture',
  template: `<p data-testid="auth-status">{{ auth.snapshot().status }}</p>
    <p data-testid="signed-in">{{ auth.isAuthenticated() }}</p>`,
})
class StatusFixtureComponent {
  readonly auth = inject(CartoAuthService);
}

function render(client: CartoAuthClient) {
  TestBed.configureTestingModule({ providers: [provideCartoAuth(() => client)] });
  const fixture = TestBed.createComponent(StatusFixtureComponent);
  const text = (id: string) =>
    (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${id}"]`)?.textContent;
  return { fixture, text };
}

describe('CartoAuthService', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('renders the snapshot status and follows the core client as it changes', async () => {
    const client = tokenClient();
    const { fixture, text } = render(client);
    await fixture.whenStable();
    expect(text('auth-status')).toBe('authenticated');
    expect(text('signed-in')).toBe('true');

    client.logout();
    await fixture.whenStable();
    expect(text('auth-status')).toBe('unauthenticated');
    expect(text('signed-in')).toBe('false');
  });

  it('shows an SPA client going from start-up to unauthenticated to a login redirect', async () => {
    const { client } = spaClient();
    const { fixture, text } = render(client);
    await client.start(); // provideCartoAuth already started it; a second start() only waits (case-05)
    await fixture.whenStable();
    expect(text('auth-status')).toBe('unauthenticated');

    await TestBed.inject(CartoAuthService).login();
    await fixture.whenStable();
    expect(text('auth-status')).toBe('loading');
  });

  it('exposes the user as a signal and the snapshot as an Observable that starts with the current one', async () => {
    const { client } = spaClient({
      session: SIGNED_IN,
    });
    render(client);
    const auth = TestBed.inject(CartoAuthService);
    await client.start();
    expect(auth.user()?.email).toBe('demo@carto.test');
    expect(auth.client).toBe(client);
    await expect(auth.getAccessToken()).resolves.toBe('at');

    const seen: AuthSnapshot['status'][] = [];
    const subscription = auth.snapshot$.subscribe((snapshot) => seen.push(snapshot.status));
    auth.logout({ localOnly: true });
    subscription.unsubscribe();
    expect(seen).toEqual(['authenticated', 'unauthenticated']);
  });

  it('unsubscribes from the client and stops it when the injector is destroyed', async () => {
    const real = tokenClient();
    const calls: string[] = [];
    const client: CartoAuthClient = {
      ...real,
      subscribe(listener) {
        const off = real.subscribe(listener);
        return () => {
          calls.push('unsubscribe');
          off();
        };
      },
      stop() {
        calls.push('stop');
        real.stop();
      },
    };
    const { fixture } = render(client);
    await fixture.whenStable();
    expect(calls).toEqual([]);

    TestBed.resetTestingModule();
    expect(calls).toEqual(['unsubscribe', 'stop']);
    await expect(real.getAccessToken()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('names the fix when provideCartoAuth() is missing', () => {
    expect(() => TestBed.inject(CartoAuthService)).toThrow(/add provideCartoAuth\(/);
  });
});
