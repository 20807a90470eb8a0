//! Work over a list on several threads with results in list order, whatever
//! the threads' timing (the CLI's scan, the facade's `Engine::scan_sources`,
//! the bindings' `scan_files`/`scan_texts`, a chart's templates in Helm's
//! render). Where no thread can be made (WebAssembly), the caller's thread
//! does all the work.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The threads to use by default: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
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
    #[test]
    fn results_keep_item_order() {
        let items: Vec<u64> = (0..500).collect();
        let out = super::map(&items, 4, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
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
