import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/contract';
import { JobFollower } from './job-follower';

function setup() {
  let emit: (event: JobEvent) => void = () => {};
  let subscribed = true;
  const api = {
    onJobEvent(listener: (event: JobEvent) => void) {
      emit = listener;
      return () => void (subscribed = false);
    },
  };
  const seen: JobEvent[] = [];
  const follower = new JobFollower(api, (e) => seen.push(e));
  return { follower, seen, emit: (e: JobEvent) => emit(e), subscribed: () => subscribed };
}

const progress = (jobId: string, fraction: number): JobEvent => ({ jobId, type: 'progress', fraction, message: '' });

describe('JobFollower', () => {
  it('drops events while it follows no job', () => {
    const { seen, emit } = setup();
    emit(progress('a', 0.1));
    expect(seen).toEqual([]);
  });

  it('replays the events that beat the start call, then passes on only that job’s', () => {
    const { follower, seen, emit } = setup();
    follower.expect();
    emit(progress('other', 0.5));
    emit(progress('a', 0.1));
    emit(progress('a', 0.2));
    follower.follow('a');
    emit(progress('other', 0.6));
    emit(progress('a', 0.3));
    expect(seen.map((e) => (e as { fraction: number }).fraction)).toEqual([0.1, 0.2, 0.3]);
  });

  it('forgets what it kept when the start call fails, and unsubscribes on dispose', () => {
    const { follower, seen, emit, subscribed } = setup();
    follower.expect();
    emit(progress('a', 0.1));
    follower.stop();
    follower.follow('a');
    expect(seen).toEqual([]);
    follower.dispose();
    expect(subscribed()).toBe(false);
  });
});
