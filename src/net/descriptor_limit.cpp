#include "net/descriptor_limit.h"

#include <sys/resource.h>

namespace pillarbox::net {

DescriptorLimit raise_descriptor_limit() {
  rlimit now{};
  if (getrlimit(RLIMIT_NOFILE, &now) != 0) return {};
  if (now.rlim_cur < now.rlim_max) {
    rlimit raised = now;
    raised.rlim_cur = now.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) now = raised;
  }
  return {now.rlim_cur, now.rlim_max};
}

}  // namespace pillarbox::net
