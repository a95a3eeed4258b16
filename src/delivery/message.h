// The bytes of a delivered copy: line-end normalisation and the trace headers a delivery agent
// prepends (RFC 5321 §4.4 Return-Path; Delivered-To as Postfix and Dovecot write it).
#pragma once

#include <string>
#include <string_view>

namespace pillarbox::delivery {

/// `message` with every bare LF turned into CRLF; CRLF and bare CR are kept as they are, so a
/// message that already uses CRLF comes back byte for byte.
std::string to_crlf(std::string_view message);

/// "Return-Path: <return_path>\r\nDelivered-To: recipient\r\n" followed by `message`.
/// `return_path` is the MAIL FROM address without angle brackets ("" for the null sender,
/// giving "Return-Path: <>"); `recipient` is the address the message was delivered to, as the
/// MTA gave it. CR and LF in either are dropped so they cannot start a header of their own.
std::string with_trace_headers(std::string_view return_path, std::string_view recipient, std::string_view message);

}  // namespace pillarbox::delivery
