#include "net/descriptor_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace pillarbox::net {
namespace {

TEST(DescriptorLimit, RaisesTheSoftLimitToTheHardOne) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  rlimit low = before;
  low.rlim_cur = 64;  // lowering the soft limit is always allowed
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

  DescriptorLimit got = raise_descriptor_limit();
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
  EXPECT_EQ(got.soft, before.rlim_max);
  EXPECT_EQ(got.hard, before.rlim_max);
  EXPECT_EQ(after.rlim_max, before.rlim_max);  // the hard limit is left alone
  setrlimit(RLIMIT_NOFILE, &before);
}

}  // namespace
}  // namespace pillarbox::net
