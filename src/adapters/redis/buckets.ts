import calculateSlot from "cluster-key-slot";

/**
 * Every key of a cardholder lives in one of BUCKET_COUNT buckets, chosen by the phone number. A
 * bucket's keys share one hash tag, so a script that changes a verification can also move its entry
 * in the bucket's due set (deadlines and the publish outbox) atomically. On Redis Cluster the tags
 * are picked to sit in evenly spaced slots, so the buckets spread across the nodes. Changing the
 * count re-homes every phone: it is a constant, not a setting.
 */
export const BUCKET_COUNT = 16;
const SLOTS = 16_384;

/** The hash tag of each bucket: the first "b<i>.<n>" whose slot falls in the bucket's share of the slots. */
export const BUCKET_TAGS: readonly string[] = Array.from({ length: BUCKET_COUNT }, (_, bucket) => {
  const low = Math.floor((bucket * SLOTS) / BUCKET_COUNT);
  const high = Math.floor(((bucket + 1) * SLOTS) / BUCKET_COUNT);
  for (let n = 0; ; n += 1) {
    const tag = `b${bucket}.${n}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return tag;
  }
});

export function bucketOf(phoneNumber: string): number {
  return calculateSlot(phoneNumber) % BUCKET_COUNT;
}
