//! The epoch ticker: a thread that advances the engine's epoch so running calls look at their
//! deadlines. It ticks every [`PERIOD`] while calls run (often enough for async calls to give
//! their tokio worker back) and also right at the earliest deadline of a running call, so a
//! runaway is stopped at its deadline, not up to a period later. After [`IDLE`] without a call
//! it parks. A call that starts wakes the thread only when it is parked or when the call's
//! deadline comes before the planned tick: a steady stream of short calls costs no wake-ups
//! beyond one per period.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use wasmtime::Engine;

/// Ticks per running stretch: the epoch advances at least this often while calls run.
pub const PERIOD: Duration = Duration::from_millis(10);
/// Time without a running call after which the thread parks.
const IDLE: Duration = Duration::from_millis(200);

/// The ticker of one engine; every call holds a [`Running`] from it.
#[derive(Debug, Default)]
pub struct Ticker {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Deadlines of the running calls (with how many calls share each).
    deadlines: BTreeMap<Instant, usize>,
    /// When the thread will tick next (`None`: parked until a call starts).
    next: Option<Instant>,
    /// When the last call ended.
    last_end: Option<Instant>,
    stopped: bool,
}

impl State {
    /// When to tick next: a period after `period_from`, or earlier at the first deadline of a
    /// running call not yet served by the tick at `served`.
    fn next_tick(&self, served: Instant, period_from: Instant) -> Instant {
        let period = period_from + PERIOD;
        let pending = self.deadlines.range((Bound::Excluded(served), Bound::Unbounded));
        pending.map(|(d, _)| *d).next().map_or(period, |d| d.min(period))
    }
}

/// Keeps the ticker going while held (one per call).
pub struct Running {
    ticker: Arc<Ticker>,
    deadline: Instant,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut state = self.ticker.lock();
        if let Some(count) = state.deadlines.get_mut(&self.deadline) {
            *count -= 1;
            if *count == 0 {
                state.deadlines.remove(&self.deadline);
            }
        }
        state.last_end = Some(Instant::now());
    }
}

impl Ticker {
    /// Starts the (parked) ticker thread of `engine`.
    pub fn start(engine: &Engine) -> Arc<Self> {
        let ticker = Arc::new(Self::default());
        let (weak, shared) = (engine.weak(), ticker.clone());
        let spawned = std::thread::Builder::new()
            .name("hooks-epoch".to_owned())
            .spawn(move || shared.run(|| weak.upgrade().map(|engine| engine.increment_epoch())));
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the hooks epoch ticker: hook deadlines will not fire");
        }
        ticker
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Marks a call with `deadline` as running until the guard is dropped.
    pub fn enter(self: &Arc<Self>, deadline: Instant) -> Running {
        let mut state = self.lock();
        *state.deadlines.entry(deadline).or_default() += 1;
        let wake = state.next.is_none_or(|next| deadline < next);
        drop(state);
        if wake {
            self.wake.notify_one();
        }
        Running { ticker: self.clone(), deadline }
    }

    /// Stops the thread.
    pub fn stop(&self) {
        self.lock().stopped = true;
        self.wake.notify_one();
    }

    /// The thread's loop; `tick` advances the epoch (`None` once the engine is gone).
    fn run(&self, tick: impl Fn() -> Option<()>) {
        // The last tick (deadlines up to it were served: their calls are ending), and where
        // the period counts from (the last tick, or the wake-up after parking).
        let mut served = Instant::now();
        let mut period_from = served;
        let mut state = self.lock();
        while !state.stopped {
            let now = Instant::now();
            let idle = state.deadlines.is_empty()
                && state.last_end.is_none_or(|end| now.duration_since(end) >= IDLE);
            if idle {
                state.next = None;
                state = self.wake.wait(state).unwrap_or_else(PoisonError::into_inner);
                period_from = Instant::now();
                continue;
            }
            let next = state.next_tick(served, period_from);
            if now >= next {
                drop(state);
                if tick().is_none() {
                    return;
                }
                served = Instant::now();
                period_from = served;
                state = self.lock();
                continue;
            }
            state.next = Some(next);
            state =
                self.wake.wait_timeout(state, next - now).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // plain threads, no tokio here
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn spawn(ticker: &Arc<Ticker>) -> (Arc<AtomicUsize>, std::thread::JoinHandle<()>) {
        let ticks = Arc::new(AtomicUsize::new(0));
        let (shared, counter) = (ticker.clone(), ticks.clone());
        let handle = std::thread::spawn(move || {
            shared.run(|| {
                counter.fetch_add(1, Ordering::SeqCst);
                Some(())
            })
        });
        (ticks, handle)
    }

    fn wait_for(ticks: &AtomicUsize, at_least: usize) {
        let started = Instant::now();
        while ticks.load(Ordering::SeqCst) < at_least && started.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_parked_ticker_ticks_at_a_running_calls_deadline_and_parks_again() {
        let ticker = Arc::new(Ticker::default());
        let (ticks, handle) = spawn(&ticker);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(ticks.load(Ordering::SeqCst), 0, "no call ran: no tick");
        let deadline = Instant::now() + Duration::from_millis(3);
        let running = ticker.enter(deadline);
        wait_for(&ticks, 1);
        assert!(Instant::now() >= deadline, "the first tick comes at the deadline");
        drop(running);
        // Parks once idle: `next` cleared, and the count stops moving.
        let started = Instant::now();
        while ticker.lock().next.is_some() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(ticker.lock().next.is_none(), "parked");
        let settled = ticks.load(Ordering::SeqCst);
        std::thread::sleep(PERIOD * 5);
        assert_eq!(ticks.load(Ordering::SeqCst), settled, "no ticks while parked");
        ticker.stop();
        handle.join().unwrap();
    }

    #[test]
    fn the_next_tick_is_the_first_unserved_deadline_or_the_period() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut state = State::default();
        assert_eq!(state.next_tick(t0, t0), t0 + PERIOD, "no call: the period");
        state.deadlines.insert(t0 + ms(3), 1);
        state.deadlines.insert(t0 + ms(30), 2);
        assert_eq!(state.next_tick(t0, t0), t0 + ms(3), "a deadline before the period");
        // Served by a tick at 3 ms: the period from there, then the 30 ms deadline.
        assert_eq!(state.next_tick(t0 + ms(3), t0 + ms(3)), t0 + ms(13));
        assert_eq!(state.next_tick(t0 + ms(25), t0 + ms(25)), t0 + ms(30));
        // Woken from parking after a deadline passed that no tick served: tick at once.
        assert_eq!(state.next_tick(t0, t0 + ms(5)), t0 + ms(3));
    }

    #[test]
    fn a_long_call_gets_a_tick_every_period_and_its_deadline_once() {
        let ticker = Arc::new(Ticker::default());
        let (ticks, handle) = spawn(&ticker);
        let running = ticker.enter(Instant::now() + Duration::from_millis(15));
        wait_for(&ticks, 6);
        // Past its deadline the call still gets period ticks, not a busy loop of them.
        let before = ticks.load(Ordering::SeqCst);
        std::thread::sleep(PERIOD * 3);
        let after = ticks.load(Ordering::SeqCst);
        assert!(after - before <= 6, "{before} -> {after} ticks in 3 periods");
        drop(running);
        ticker.stop();
        handle.join().unwrap();
    }
}
