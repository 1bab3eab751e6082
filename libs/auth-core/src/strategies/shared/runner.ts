import { CartoAuthError, ERR_CANCELLED, ERR_INVALID_CONFIG, ERR_TIMEOUT } from '../../errors';
import { MAX_TIMER_DELAY_MS } from '../../timing';
import type { TimerHandle } from '../../ports/types';
import type { CommonEffect, EffectContext, EffectScope } from '../../types';

/** Per-client effect state, kept on the scope the runtime hands in. */
interface RunnerState {
  renewalTimer?: TimerHandle;
  inFlight?: AbortController;
}

/**
 * Builds a strategy's effect runner: the common effects (renewal timer, aborting)
 * plus the strategy's network effects, each with an abort signal and a time-out. Strategies without
 * I/O (API tokens) do not include this, which keeps their bundle small.
 */
export function effectRunner<F extends { type: string }, E>(
  runNetworkEffect: (effect: F, context: EffectContext) => Promise<E | undefined>,
): (effect: CommonEffect | F, scope: EffectScope) => void {
  return (effect, scope) => {
    const local = scope as EffectScope & RunnerState;
    const { clock } = scope.ports;
    const cancelRenewal = () => {
      if (local.renewalTimer !== undefined) clock.clearTimer(local.renewalTimer);
      local.renewalTimer = undefined;
    };
    // A timer cannot wait longer than MAX_TIMER_DELAY_MS (it would fire at once, case-12): chain long waits.
    const scheduleAt = (at: number) => {
      const delay = at - clock.now();
      local.renewalTimer =
        delay > MAX_TIMER_DELAY_MS
          ? clock.setTimer(() => scheduleAt(at), MAX_TIMER_DELAY_MS)
          : clock.setTimer(
              () => scope.send({ type: 'renewRequested', now: clock.now(), force: false }),
              Math.max(0, delay),
            );
    };
    switch (effect.type) {
      case 'scheduleRenewal':
        cancelRenewal();
        scheduleAt((effect as Extract<CommonEffect, { type: 'scheduleRenewal' }>).at);
        return;
      case 'cancelRenewal':
        cancelRenewal();
        return;
      case 'stopAll':
      case 'abortRequests':
        if (effect.type === 'stopAll') cancelRenewal(); // stop() ends the renewal too
        local.inFlight?.abort(new CartoAuthError(ERR_CANCELLED, 'Cancelled by logout, login or stop()'));
        local.inFlight = undefined;
        return;
      default:
        void runWithTimeout(effect as F, local, runNetworkEffect);
    }
  };
}

async function runWithTimeout<F, E>(
  effect: F,
  scope: EffectScope & RunnerState,
  runNetworkEffect: (effect: F, context: EffectContext) => Promise<E | undefined>,
): Promise<void> {
  const parent = (scope.inFlight ??= new AbortController()).signal;
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort);
  let timer: TimerHandle | undefined;
  let event: E | undefined;
  try {
    // Inside the try: a clock port without timers fails this effect, not the whole page (no unhandled rejection).
    timer = scope.ports.clock.setTimer(
      () => controller.abort(new CartoAuthError(ERR_TIMEOUT, `No answer within ${scope.timeoutMs} ms`)),
      scope.timeoutMs,
    );
    event = await runNetworkEffect(effect, { ...scope, signal: controller.signal });
  } catch (cause) {
    // A port that throws (no Web Crypto, storage quota…) must not leave the client stuck.
    event = {
      type: 'effectFailed',
      error:
        cause instanceof CartoAuthError
          ? cause
          : new CartoAuthError(ERR_INVALID_CONFIG, `${(effect as { type: string }).type} failed: ${cause}`, {
              cause,
            }),
    } as E;
  } finally {
    if (timer !== undefined) scope.ports.clock.clearTimer(timer);
    parent.removeEventListener('abort', onAbort);
  }
  // After logout or stop, nothing that was in flight may still change the state (case-14).
  // The client reports errors of its listeners itself: sending never throws.
  if (event && !parent.aborted) scope.send(event as unknown as { type: string });
}
