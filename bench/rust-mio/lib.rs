// SPDX-License-Identifier: MIT
//! Rust mio 0.8 for the dispatch benchmark: the same role as bench/dispatch/mio.c. Every
//! read end is registered with `SourceFd` for `Interest::READABLE` (mio: EPOLLIN |
//! EPOLLRDHUP | EPOLLET on epoll); a turn is one `Poll::poll` with a zero timeout and, per
//! readable event, the driver's `bench_read(token)`, which reads as the driver's -r says.

use std::os::raw::{c_char, c_int};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

/// bench/dispatch/common.h's `struct bench_impl`.
#[repr(C)]
pub struct BenchImpl {
    name: *const c_char,
    takes_variant: bool,
    setup: extern "C" fn(*const c_char, *const c_int, usize) -> c_int,
    turn: extern "C" fn() -> c_int,
}

// Only immutable data and function pointers.
unsafe impl Sync for BenchImpl {}

#[no_mangle]
pub static bench_impl: BenchImpl = BenchImpl {
    name: b"rust-mio\0".as_ptr() as *const c_char,
    takes_variant: false,
    setup,
    turn,
};

extern "C" {
    fn bench_read(idx: usize);
}

/// Event buffer size, as BENCH_EVENT_CAPACITY.
const EVENT_CAPACITY: usize = 1024;

struct State {
    poll: Poll,
    events: Events,
}

/// Set once by setup (the driver is single-threaded), then used by every turn.
static STATE: AtomicPtr<State> = AtomicPtr::new(ptr::null_mut());

fn errno(e: std::io::Error) -> c_int {
    -e.raw_os_error().unwrap_or(5 /* EIO */)
}

extern "C" fn setup(_variant: *const c_char, read_fds: *const c_int, n: usize) -> c_int {
    let poll = match Poll::new() {
        Ok(p) => p,
        Err(e) => return errno(e),
    };
    let fds = unsafe { std::slice::from_raw_parts(read_fds, n) };
    for (i, fd) in fds.iter().enumerate() {
        if let Err(e) = poll.registry().register(&mut SourceFd(fd), Token(i), Interest::READABLE) {
            eprintln!("rust-mio: register: {}", e);
            return errno(e);
        }
    }
    let state = Box::new(State { poll, events: Events::with_capacity(EVENT_CAPACITY) });
    STATE.store(Box::into_raw(state), Ordering::Release);
    0
}

extern "C" fn turn() -> c_int {
    let state = unsafe { &mut *STATE.load(Ordering::Relaxed) };
    if let Err(e) = state.poll.poll(&mut state.events, Some(Duration::ZERO)) {
        return errno(e);
    }
    for event in state.events.iter() {
        if event.is_readable() {
            unsafe { bench_read(event.token().0) };
        }
    }
    0
}
