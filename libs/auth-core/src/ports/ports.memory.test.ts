import { memoryLock } from './ports.memory';
import type { LockPort } from './types';

const open = () => new AbortController().signal;

/** Takes the lock and keeps it until `release()` is called. */
async function holdLock(lock: LockPort, name = 'refresh') {
  let held!: Promise<void>;
  const release = await new Promise<() => void>((granted) => {
    held = lock.run(name, open(), () => new Promise<void>((resolve) => granted(resolve)));
  });
  return { held, release };
}

describe('memoryLock', () => {
  it('runs holders of one name one after the other, in request order, whatever their own timing', async () => {
    const lock = memoryLock();
    const order: string[] = [];
    const hold = (label: string, ms: number) =>
      lock.run('refresh', open(), async () => {
        order.push(`${label} in`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${label} out`);
        return label;
      });
    await expect(Promise.all([hold('a', 20), hold('b', 0), hold('c', 5)])).resolves.toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('hands each holder the note the previous holder of the same name left', async () => {
    const lock = memoryLock();
    await lock.run('refresh', open(), (note) => note.write('from the first tab'));
    await expect(lock.run('refresh', open(), (note) => note.read())).resolves.toBe('from the first tab');
    await expect(lock.run('other', open(), (note) => note.read())).resolves.toBeNull();
    await lock.run('refresh', open(), (note) => note.write(null));
    await expect(lock.run('refresh', open(), (note) => note.read())).resolves.toBeNull();
  });

  it('does not make other names wait', async () => {
    const lock = memoryLock();
    const { held, release } = await holdLock(lock, 'one');
    await expect(lock.run('two', open(), async () => 'free')).resolves.toBe('free');
    release();
    await held;
  });

  it('passes a failed holder on to the next one and rejects only the failed caller', async () => {
    const lock = memoryLock();
    const failing = lock.run('refresh', open(), async () => {
      throw new Error('boom');
    });
    const next = lock.run('refresh', open(), async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('rejects a waiter as soon as its signal aborts, while the holder still holds the lock', async () => {
    const lock = memoryLock();
    const { held, release } = await holdLock(lock);
    const controller = new AbortController();
    const waiting = lock.run('refresh', controller.signal, async () => 'ran');
    const next = lock.run('refresh', open(), async () => 'next');
    controller.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out'); // without waiting for the holder
    let nextRan = false;
    void next.then(() => (nextRan = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(nextRan).toBe(false); // the next waiter still waits for the holder, not for the one who left
    release();
    await held;
    await expect(next).resolves.toBe('next');
  });

  it('rejects a waiter whose signal aborted before the lock was granted, without running its task', async () => {
    const lock = memoryLock();
    const { held, release } = await holdLock(lock);
    const controller = new AbortController();
    const task = jest.fn(async () => 'ran');
    const waiting = lock.run('refresh', controller.signal, task);
    controller.abort(new Error('logged out'));
    release();
    await held;
    await expect(waiting).rejects.toThrow('logged out');
    expect(task).not.toHaveBeenCalled();
  });
});
