//! Work over a list on several threads with results in list order, whatever
//! the threads' timing (the CLI's scan, the facade's `Engine::scan_sources`,
//! the bindings' `scan_files`/`scan_texts`, a chart's templates in Helm's
//! render). Where no thread can be made (WebAssembly), the caller's thread
//! does all the work. By default each call starts its threads and ends them
//! before it returns; a host that owns its process can keep a pool of them
//! instead ([`use_worker_pool`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The threads to use by default: the machine's available parallelism, as
/// the process first finds it (asking again reads the cgroup's CPU quota
/// files each time, and every parallel step asks).
pub fn default_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// The threads for `items` pieces of work when a thread is worth starting
/// only for every `per_thread` of them (a few small pieces finish before a
/// thread would start): at least one, at most [`default_threads`].
pub fn threads_for(items: usize, per_thread: usize) -> usize {
    default_threads().min(items / per_thread.max(1) + 1)
}

/// Stack of each worker thread: 64 MiB of address space (committed only as it is
/// used), as deep as the main thread's 8 MiB many times over, so every pack's own
/// depth limits (YAML nesting, template and Rego recursion guards) stop hostile
/// input long before a worker's stack would (a thread's default is 2 MiB).
pub const WORKER_STACK: usize = 64 << 20;

/// Run `work` over `items` with up to `threads` workers; results in item order.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_with_stack(items, threads, WORKER_STACK, work)
}

/// [`map`] with workers of `stack` bytes of stack (work whose own depth
/// budget is measured against a larger stack, as template execution is).
pub fn map_with_stack<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    stack: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() <= 1 {
        return items.iter().map(work).collect();
    }
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    if let Some(pool) = pool_for(stack) {
        use rayon::prelude::*;
        let work = &work;
        // One item per task: items differ widely in size (a chart's
        // templates, a folder's files), and idle threads take what is left.
        return pool.install(|| items.par_iter().with_max_len(1).map(work).collect());
    }
    let shared = Shared::new(items);
    let workers = threads.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = || shared.work(&work);
            let spawned = std::thread::Builder::new()
                .name("stockade-scan".into())
                .stack_size(stack)
                .spawn_scoped(scope, worker);
            if spawned.is_err() {
                // No thread could be made (a process limit): the workers that
                // exist take the rest, and the caller's thread works too.
                worker();
            }
        }
    });
    shared.into_results().into_iter().flatten().collect()
}

/// The threads [`use_worker_pool`] started (`None`: none could be).
#[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();

/// The worker pool, when it is in use and its threads have `stack` bytes of
/// stack or more.
#[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
fn pool_for(stack: usize) -> Option<&'static rayon::ThreadPool> {
    POOL.get()
        .and_then(Option::as_ref)
        .filter(|_| stack <= POOL_STACK)
}

/// Stack of each thread of the worker pool: as large as any work asks for
/// (a chart's templates execute with 256 MiB: address space, committed as
/// used). Work that asks for more gets threads of its own.
#[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
const POOL_STACK: usize = 256 << 20;

/// From now on, [`map`] and [`map_with_stack`] work on a pool of
/// [`default_threads`] threads kept for the life of the process, rather than
/// on threads started for each call and ended with it. Returns whether the
/// pool is in use: false without the `worker-pool` feature, where threads
/// cannot be made (WebAssembly), or when the pool could not be started.
///
/// A short call then starts no thread, and the allocator's per-thread
/// memory stays warm between calls (each thread that ends hands its memory
/// back, and each new one faults in fresh pages). For a host that owns its
/// process and does not fork, as the `stockade` command does: the library's
/// default leaves no thread behind once a call returns, which a host that
/// forks (Python's `multiprocessing`) relies on.
pub fn use_worker_pool() -> bool {
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    {
        POOL.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(default_threads())
                .stack_size(POOL_STACK)
                .thread_name(|i| format!("stockade-worker-{i}"))
                .build()
                .ok()
        })
        .is_some()
    }
    #[cfg(not(all(feature = "worker-pool", not(target_arch = "wasm32"))))]
    false
}

/// Drops `value`: with the worker pool, as a job of its own that a thread of
/// the pool takes when one is free (so freeing a large structure, hundreds of
/// thousands of small allocations, overlaps the work that follows instead of
/// delaying it); without it, here and now. After
/// [`leave_disposals_to_exit`], not at all.
pub fn dispose<T: Send + 'static>(value: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
        return;
    }
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    if let Some(pool) = pool_for(0) {
        pool.spawn(move || drop(value));
        return;
    }
    drop(value);
}

/// From now on, what [`dispose`] is given is never freed: it is left to the
/// end of the process, when the system takes the whole of its memory back at
/// once. For a command that ends when its one piece of work is done (`stockade
/// scan`): a large chart's parsed templates are hundreds of thousands of
/// small allocations, several milliseconds of CPU to free one by one. Never
/// for a process that goes on working (a language server, a library host):
/// each render would leak its templates.
pub fn leave_disposals_to_exit() {
    LEAVE_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Set by [`leave_disposals_to_exit`].
static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `work` on a thread with at least `stack` bytes of stack and waits
/// for it: a thread of the worker pool ([`use_worker_pool`]) when there is
/// one with such stacks (on one, right there), else a thread of its own, and
/// where no thread can be made, the caller's. `Err` holds the panic that
/// stopped `work`, whichever thread it ran on.
pub fn with_stack<R: Send>(
    stack: usize,
    work: impl FnOnce() -> R + Send,
) -> std::thread::Result<R> {
    let caught = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    if let Some(pool) = pool_for(stack) {
        return pool.install(caught);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // `caught` is taken by whichever thread runs it: the new one, or
        // this one when none could be started.
        let work = Mutex::new(Some(caught));
        let run = || work.lock().ok().and_then(|mut w| w.take()).map(|w| w());
        let spawned = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("stockade-stack".into())
                .stack_size(stack)
                .spawn_scoped(scope, run)
                .map(std::thread::ScopedJoinHandle::join)
        });
        match spawned {
            Ok(Ok(Some(done))) => done,
            Ok(Err(panic)) => Err(panic),
            // Not started (or, impossibly, started without taking `work`).
            Ok(Ok(None)) | Err(_) => run().unwrap_or_else(|| Err(Box::new("not run"))),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = stack;
        caught()
    }
}

/// `side` and `main` at the same time, `main` on the caller's thread and
/// `side` on a thread of `stack` bytes of stack (with the worker pool, both on
/// its threads, as they come free); returns `main`'s result once both are
/// done. Where no thread can be made, `main` then `side` on the caller's
/// thread.
pub fn beside<R: Send>(
    stack: usize,
    side: impl FnOnce() + Send,
    main: impl FnOnce() -> R + Send,
) -> R {
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    if let Some(pool) = pool_for(stack) {
        // `main` starts here at once; an idle thread takes `side`.
        return pool.install(|| rayon::join(main, side)).0;
    }
    // `side` is taken by whichever thread runs it: the new one, or this one
    // when none could be started.
    let side = Mutex::new(Some(side));
    let run_side = || {
        if let Some(side) = side.lock().ok().and_then(|mut s| s.take()) {
            side();
        }
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("stockade-scan".into())
            .stack_size(stack)
            .spawn_scoped(scope, run_side);
        let out = main();
        match spawned {
            Ok(thread) => {
                if let Err(panic) = thread.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(_) => run_side(),
        }
        out
    })
}

/// Items that threads work through together, each taking the next item no
/// thread has taken yet: a thread can start, or join in, at any time
/// ([`Shared::work`]), and each result is kept with its item
/// ([`Shared::into_results`]). [`map`] is made of it; a caller that has
/// other work first can start threads on it and join them when done.
pub struct Shared<'a, T, R> {
    items: &'a [T],
    next: AtomicUsize,
    slots: Vec<Mutex<Option<R>>>,
}

impl<'a, T: Sync, R: Send> Shared<'a, T, R> {
    pub fn new(items: &'a [T]) -> Self {
        Self {
            items,
            next: AtomicUsize::new(0),
            slots: items.iter().map(|_| Mutex::new(None)).collect(),
        }
    }

    /// Works on items, one at a time, until none is left to take.
    pub fn work(&self, work: impl Fn(&T) -> R) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let (Some(item), Some(slot)) = (self.items.get(i), self.slots.get(i)) else {
                return;
            };
            let result = work(item);
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(result);
            }
        }
    }

    /// Each item's result, in item order: `None` for an item no thread has
    /// finished (its thread stopped, or nothing worked on it).
    pub fn into_results(self) -> Vec<Option<R>> {
        self.slots
            .into_iter()
            .map(|slot| slot.into_inner().ok().flatten())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    /// Work on a thread of a given stack gives its result, or the panic that
    /// stopped it.
    #[test]
    fn with_stack_runs_and_returns_panics() {
        assert_eq!(super::with_stack(4 << 20, || 6 * 7).ok(), Some(42));
        let stopped = super::with_stack(4 << 20, || -> u8 { panic!("stopped") });
        assert!(stopped.is_err());
    }

    #[test]
    fn results_keep_item_order() {
        let items: Vec<u64> = (0..500).collect();
        let out = super::map(&items, 4, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    /// With the worker pool, work runs on the pool's threads (and in
    /// parallel work started from them), results in item order; work that asks
    /// for a larger stack than the pool's gets threads of its own.
    #[cfg(all(feature = "worker-pool", not(target_arch = "wasm32")))]
    #[test]
    fn the_worker_pool_does_the_work() {
        fn on() -> String {
            std::thread::current().name().unwrap_or_default().to_owned()
        }
        /// Tells the thread that drops it.
        struct Dropped(std::sync::mpsc::Sender<String>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                let _ = self.0.send(on());
            }
        }
        let items: Vec<u64> = (0..64).collect();
        let before = super::map(&items, 2, |_| on());
        assert!(before.iter().all(|n| n == "stockade-scan"), "{before:?}");
        assert!(super::use_worker_pool());
        assert!(super::use_worker_pool(), "a second call keeps the pool");
        let out = super::map(&items, 2, |&i| {
            let inner = super::map(&[i, i + 1], 2, |&j| (j * 2, on()));
            (i, on(), inner)
        });
        for (i, (item, thread, inner)) in out.into_iter().enumerate() {
            assert_eq!(item, i as u64);
            assert!(thread.starts_with("stockade-worker-"), "{thread}");
            assert_eq!(
                inner.iter().map(|p| p.0).collect::<Vec<_>>(),
                [item * 2, item * 2 + 2]
            );
            assert!(
                inner.iter().all(|p| p.1.starts_with("stockade-worker-")),
                "{inner:?}"
            );
        }
        let (tx, rx) = std::sync::mpsc::channel();
        super::dispose(Dropped(tx));
        let by = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert!(by.starts_with("stockade-worker-"), "{by}");
        assert!(super::with_stack(1 << 20, on).is_ok_and(|t| t.starts_with("stockade-worker-")));
        let large = super::with_stack(super::POOL_STACK + 1, on);
        assert_eq!(large.ok().as_deref(), Some("stockade-stack"));
        let stopped = super::with_stack(1 << 20, || -> u8 { panic!("stopped") });
        assert!(stopped.is_err(), "a panic is returned, not carried on");
        let large = super::map_with_stack(&items, 2, super::POOL_STACK + 1, |_| on());
        assert!(large.iter().all(|n| n == "stockade-scan"), "{large:?}");
    }

    /// A thread that joins late takes only what is left; every result is
    /// with its item, and an item nobody took has none.
    #[test]
    fn shared_work_keeps_each_result_with_its_item() {
        let items: Vec<u64> = (0..200).collect();
        let untouched: super::Shared<'_, u64, u64> = super::Shared::new(&items);
        assert!(untouched.into_results().iter().all(Option::is_none));
        let shared = super::Shared::new(&items);
        std::thread::scope(|scope| {
            let early = scope.spawn(|| shared.work(|i| i * 3));
            shared.work(|i| i * 3);
            early.join().unwrap();
        });
        let out: Vec<Option<u64>> = shared.into_results();
        assert_eq!(out, items.iter().map(|i| Some(i * 3)).collect::<Vec<_>>());
    }
}
