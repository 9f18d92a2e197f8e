/**
 * EventBridge schedules, emulated: one timer per job of the shared job list (each flow's jobs from
 * the registry, plus the ops jobs), at its AWS rate or its JOB_<NAME>_EVERY override.
 */
import { errorMessage } from "#shared/errors";
import { JOBS, type JobName } from "#shared/jobs/definitions";

export function startScheduler(options: {
  intervals: Partial<Record<JobName, number>>;
  runJob: (name: JobName) => Promise<unknown>;
  onError: (message: string, reason: string) => void;
}): () => void {
  const timers = JOBS.map((job) =>
    setInterval(() => {
      void options
        .runJob(job.name)
        .catch((error) => options.onError(`job ${job.name} failed`, errorMessage(error)));
    }, options.intervals[job.name] ?? job.everyMs),
  );
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
