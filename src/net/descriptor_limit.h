// The process's open-file limit (RLIMIT_NOFILE): every connection holds one descriptor, so a
// server that keeps the usual soft limit of 1024 refuses its 1000th client however high
// limits.max_connections is set.
#pragma once

#include <cstdint>

namespace pillarbox::net {

/// Soft and hard RLIMIT_NOFILE of the process, in descriptors.
struct DescriptorLimit {
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

/// Raises the soft RLIMIT_NOFILE to the hard limit (what an unprivileged process may do; Dovecot
/// does the same) and returns the limits in force afterwards. Never lowers a limit; if the call
/// fails the limits are returned unchanged.
DescriptorLimit raise_descriptor_limit();

}  // namespace pillarbox::net
