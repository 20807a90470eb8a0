//! `parallel::leave_disposals_to_exit` is process-wide: its own test binary.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use stockade_source::parallel;

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Before the call, `dispose` frees what it is given; after it, never (on
/// the worker pool or not), and everything else still drops as ever.
#[test]
fn after_leave_disposals_to_exit_dispose_frees_nothing() {
    let dropped = Arc::new(AtomicUsize::new(0));
    parallel::dispose(Counted(Arc::clone(&dropped)));
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "freed at once without a pool"
    );

    parallel::leave_disposals_to_exit();
    parallel::dispose(Counted(Arc::clone(&dropped)));
    parallel::use_worker_pool();
    parallel::dispose(Counted(Arc::clone(&dropped)));
    drop(Counted(Arc::clone(&dropped)));
    // A pool's job would have run by now; give it time to show.
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(dropped.load(Ordering::SeqCst), 2, "only the plain drop ran");
    assert_eq!(
        Arc::strong_count(&dropped),
        3,
        "the two disposed values are still held"
    );
}
