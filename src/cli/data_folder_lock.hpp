#pragma once
// One `sightline serve` per data folder: the folder holds that server's own files (routing.bin,
// scrub jobs in progress, dumps), and a second server emptied the first one's scrub jobs as it
// started, losing the uploads they held.

#include <filesystem>

namespace sightline::cli {

/// Makes `data` if needed and takes an exclusive lock on `data/serve.lock` for the rest of the
/// process (the kernel lets go when the process ends, however it ends). Throws
/// sightline::Exception naming the folder when another process holds it or the file cannot be
/// opened.
void lock_data_folder_for_serve(const std::filesystem::path& data);

}  // namespace sightline::cli
