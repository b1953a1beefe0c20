/* SPDX-License-Identifier: MIT */
/**
 * @file mio/info.h
 * @brief Introspection: the backends libmio can load and the one mio_poll_new() chooses.
 *
 * What `mio-info` prints, as an API (gst-inspect's registry queries, for libmio): the
 * backend directory, the backend ABI this libmio speaks, every module found in the
 * directory with its ABI version, priority and probe result, and the process's default
 * backend with the reason it was chosen. mio has no equivalent: it picks its selector at
 * compile time.
 *
 * Listing loads every module it finds (modules are never unloaded, see
 * docs/environment.md) but never creates a selector.
 */
#ifndef MIO_INFO_H
#define MIO_INFO_H

#include <mio/common.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_info Introspection
 * @brief Backends in the backend directory, and the default choice.
 * @{
 */

/** A snapshot of the backend directory: one mio_backend_info per module file. */
struct mio_backend_list;
/** One module of a mio_backend_list. Borrowed: valid until mio_backend_list_free(). */
struct mio_backend_info;

/** How usable one module is. */
enum mio_backend_state {
	/** Loaded, its descriptor checked, and its probe succeeded. */
	MIO_BACKEND_USABLE = 0,
	/** Loaded and checked, but its probe failed here (mio_backend_info_error() says why). */
	MIO_BACKEND_UNUSABLE = 1,
	/** Not loaded: missing, unreadable, not a module, wrong ABI or name, invalid name. */
	MIO_BACKEND_REFUSED = 2,
};

/** Why mio_poll_new() uses the backend mio_backend_default() names. */
enum mio_backend_reason {
	/** The first usable backend of the `MIO_BACKEND` list. */
	MIO_BACKEND_REASON_ENV = 1,
	/** `MIO_BACKEND` unset: the highest-priority built backend whose probe succeeds. */
	MIO_BACKEND_REASON_PRIORITY = 2,
};

/**
 * The directory backends are loaded from.
 *
 * `MIO_BACKEND_DIR` when it is set (and the process is not setuid or setgid), else the
 * built-in `${libdir}/mio-0` (the `backenddir` variable of `mio.pc`; on Windows the
 * `lib\mio-0` directory beside libmio's DLL).
 *
 * @param[out] buf where the directory is copied, NUL-terminated (UTF-8 on Windows).
 * @param size the size of @p buf.
 * @retval 0 success.
 * @retval -EINVAL @p buf is NULL, or `MIO_BACKEND_DIR` is not an absolute path.
 * @retval -ENAMETOOLONG the directory does not fit in @p buf.
 * @retval -EILSEQ (Windows) the directory is not valid Unicode.
 *
 * Thread-safe (reads the environment: do not change `MIO_BACKEND_DIR` concurrently).
 * mio: none.
 */
MIO_API int mio_backend_dir(char *buf, size_t size);

/**
 * The version of the backend ABI this libmio loads (a module must have the same major).
 *
 * @param[out] ret_major the ABI major, or NULL.
 * @param[out] ret_minor the ABI minor, or NULL.
 *
 * Thread-safe. mio: none.
 */
MIO_API void mio_backend_abi_version(unsigned *ret_major, unsigned *ret_minor);

/**
 * Lists the modules (`mio-<name>.so`) of the backend directory, sorted by name.
 *
 * Each module is loaded and checked as mio_poll_new() would, and probed; nothing is
 * chosen and no selector is created. A file whose `<name>` is not a valid backend name
 * (`[a-z0-9_-]{1,32}`) is listed as ::MIO_BACKEND_REFUSED with -EINVAL.
 *
 * @param[out] ret the list; free it with mio_backend_list_free().
 * @retval 0 success (the list may be empty).
 * @retval -EINVAL @p ret is NULL, or `MIO_BACKEND_DIR` is not an absolute path.
 * @retval -ENAMETOOLONG the directory's path is too long (4095 bytes at most).
 * @retval -ENOENT the directory does not exist.
 * @retval -ENOTDIR it is not a directory.
 * @retval -EACCES it cannot be read.
 * @retval -ENOMEM out of memory (also -EMFILE, -ENFILE from opening the directory).
 *
 * Thread-safe. mio: none.
 */
MIO_API int mio_backend_list_new(struct mio_backend_list **ret);

/**
 * Frees a list and the mio_backend_info records it holds. NULL is a no-op.
 *
 * Thread-safe for distinct lists. mio: none.
 */
MIO_API void mio_backend_list_free(struct mio_backend_list *list);

/**
 * The number of modules in a list.
 *
 * @param list the list.
 * @return the count; 0 for a NULL @p list.
 *
 * Thread-safe. mio: none.
 */
MIO_API size_t mio_backend_list_len(const struct mio_backend_list *list);

/**
 * The @p i-th module of a list.
 *
 * @param list the list.
 * @param i index, below mio_backend_list_len().
 * @return the module, borrowed from @p list; NULL if @p list is NULL or @p i is out of
 *         range.
 *
 * Thread-safe. mio: none.
 */
MIO_API const struct mio_backend_info *mio_backend_list_get(const struct mio_backend_list *list,
							  size_t i);

/**
 * The module's backend name: `<name>` of `mio-<name>.so`.
 *
 * @return the name, owned by the list; NULL for a NULL @p info. Thread-safe. mio: none.
 */
MIO_API const char *mio_backend_info_name(const struct mio_backend_info *info);

/**
 * Whether the module loaded and probed.
 *
 * @return the state; ::MIO_BACKEND_REFUSED for a NULL @p info. Thread-safe. mio: none.
 */
MIO_API enum mio_backend_state mio_backend_info_state(const struct mio_backend_info *info);

/**
 * Why the module is not usable.
 *
 * @return 0 for a usable module; for a refused one the loader's error (-ENOENT, -EACCES,
 *         -ENOEXEC: not a module, wrong ABI, size or name, a missing operation; -ENOSYS: no
 *         entry symbol; -EINVAL: invalid name; -ENAMETOOLONG: path too long); for an
 *         unusable one its probe's error (for example -ENODEV, -ENOSYS, -EPERM);
 *         -EINVAL for a NULL @p info. Thread-safe. mio: none.
 */
MIO_API int mio_backend_info_error(const struct mio_backend_info *info);

/**
 * The module's backend ABI version.
 *
 * @param info the module.
 * @param[out] ret_major the ABI major, or NULL.
 * @param[out] ret_minor the ABI minor, or NULL.
 * @retval 0 success.
 * @retval -EINVAL @p info is NULL.
 * @retval -ENOENT the module was refused (mio_backend_info_detail() names the ABI of one
 *         refused for its ABI).
 *
 * Thread-safe. mio: none.
 */
MIO_API int mio_backend_info_abi(const struct mio_backend_info *info, unsigned *ret_major,
				 unsigned *ret_minor);

/**
 * The module's priority: 256 primary (epoll, kqueue, afd), 64 marginal (poll), 0 never
 * chosen automatically (uring). The default choice takes the highest that probes.
 *
 * @return the priority; 0 for a refused module or a NULL @p info. Thread-safe. mio: none.
 */
MIO_API int mio_backend_info_priority(const struct mio_backend_info *info);

/**
 * The loader's account of the module in words: its path, ABI and priority, or why it was
 * refused (dlopen's message, the ABI it has and the one needed...).
 *
 * @return the text, owned by the list; "" for a NULL @p info. Thread-safe. mio: none.
 */
MIO_API const char *mio_backend_info_detail(const struct mio_backend_info *info);

/**
 * The backend mio_poll_new() uses in this process, and why.
 *
 * The choice is made once per process (by this call or the first mio_poll_new(), whichever
 * comes first) and never changes afterwards: `MIO_BACKEND` is read then.
 *
 * @param[out] ret_name the backend's name (static, valid for the life of the process),
 *                      or NULL.
 * @param[out] ret_reason why it was chosen, or NULL. Also set on failure, so the caller
 *                        knows whether `MIO_BACKEND` was in play.
 * @retval 0 success.
 * @retval -EINVAL `MIO_BACKEND` is malformed (or `MIO_BACKEND_DIR` is relative).
 * @retval -ENOENT no backend module (of the list, or built) was found.
 * @retval -EACCES, -ENOEXEC, -ENOSYS the module found was refused (see mio_poll_new()).
 * @retval other the probe error of the first listed backend that loaded (`MIO_BACKEND`),
 *               or of the last built backend tried.
 *
 * Thread-safe. mio: none (mio chooses its selector at compile time).
 */
MIO_API int mio_backend_default(const char **ret_name, enum mio_backend_reason *ret_reason);

/** @} */

MIO_END_DECLS

#endif
