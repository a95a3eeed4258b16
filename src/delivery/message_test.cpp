#include "delivery/message.h"

#include <gtest/gtest.h>

namespace pillarbox::delivery {
namespace {

TEST(DeliveryMessage, ToCrlf) {
  EXPECT_EQ(to_crlf(""), "");
  EXPECT_EQ(to_crlf("a\nb\n"), "a\r\nb\r\n");
  EXPECT_EQ(to_crlf("a\r\nb\r\n"), "a\r\nb\r\n");
  EXPECT_EQ(to_crlf("\n\n"), "\r\n\r\n");
  EXPECT_EQ(to_crlf("a\rb\r\n"), "a\rb\r\n");  // a bare CR stays
  EXPECT_EQ(to_crlf("a\r\r\n\nend"), "a\r\r\n\r\nend");
}

TEST(DeliveryMessage, TraceHeadersArePrepended) {
  EXPECT_EQ(with_trace_headers("bob@example.com", "alice@example.org", "Subject: x\r\n\r\nhi\r\n"),
            "Return-Path: <bob@example.com>\r\nDelivered-To: alice@example.org\r\nSubject: x\r\n\r\nhi\r\n");
}

TEST(DeliveryMessage, NullSender) {
  EXPECT_EQ(with_trace_headers("", "a@b", "x"), "Return-Path: <>\r\nDelivered-To: a@b\r\nx");
}

TEST(DeliveryMessage, LineBreaksCannotInjectHeaders) {
  EXPECT_EQ(with_trace_headers("a\r\nX-Evil: 1", "b\nc", ""), "Return-Path: <aX-Evil: 1>\r\nDelivered-To: bc\r\n");
}

}  // namespace
}  // namespace pillarbox::delivery
