// The IMAP framer (DESIGN §3 stage 1). Knows only CRLF and literal markers ("{N}", "{N+}",
// "~{N}", "~{N+}"); assembles one complete command (text and literal bytes, final CRLF removed)
// for the grammar parser. It consumes what it can of the bytes it is given and says what
// happened; the session drains its buffer through feed() before it reads the socket again, so
// "literal end and CRLF in one read" is not a special case. Never allocates past its limits:
// an over-long line is skipped, an over-limit literal is counted off (non-synchronizing) or
// refused (synchronizing, before the client sends it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pillarbox::imap {

struct FramerLimits {
  std::size_t max_line_octets = 65536;          ///< command text outside literals
  std::uint64_t max_literal_octets = 67108864;  ///< any one literal
  std::size_t max_literals = 1000;              ///< literals in one command (MULTIAPPEND etc.)
  /// One literal of an APPEND command (RFC 7889 APPENDLIMIT), checked before "+" is sent.
  std::uint64_t max_append_octets = UINT64_MAX;
  /// All literals of one APPEND command together (RFC 3502 MULTIAPPEND).
  std::uint64_t max_append_total_octets = UINT64_MAX;
  /// All literals of any other command together (LOGIN, SEARCH, ...: none needs much), and of
  /// an APPEND while allow_append(false), so that no command but an allowed APPEND makes the
  /// framer hold more than max_line_octets plus this.
  std::uint64_t max_command_literal_octets = UINT64_MAX;
  /// The largest non-synchronizing literal accepted at all: 4096 under LITERAL- (RFC 7888 §4),
  /// UINT64_MAX under LITERAL+.
  std::uint64_t max_non_sync_octets = UINT64_MAX;
};

class Framer {
 public:
  enum class Event {
    need_more,           ///< every byte given was consumed; read more
    continuation,        ///< a synchronizing literal within limits was announced: send
                         ///< "+ ..." now, then go on feeding
    command,             ///< a complete command is ready: take_command()
    line_too_long,       ///< a command's text passed max_line_octets; it was skipped to its
                         ///< end (no literal bytes read as commands). Answer tag() with BAD.
    literal_too_big,     ///< a literal passed max_literal_octets (or too many literals). A
                         ///< synchronizing one: the client sends nothing more for it and the
                         ///< framer is at the next command. A non-synchronizing one: its bytes
                         ///< and the rest of the command were counted off. Answer tag() with
                         ///< NO [TOOBIG] (RFC 7888 §4) or BAD. exceeded() says which limit.
    non_sync_refused,    ///< a non-synchronizing literal over max_non_sync_octets (LITERAL-):
                         ///< answer tag() with BAD [TOOBIG] and close the connection (RFC 7888
                         ///< §4); the framer discards everything after it (broken()).
  };
  /// Which limit a literal_too_big passed.
  enum class Exceeded {
    literal,       ///< max_literal_octets
    append,        ///< max_append_octets (one message of an APPEND)
    append_total,  ///< max_append_total_octets (the messages of one APPEND together)
    command_total, ///< max_command_literal_octets (the literals of another command together)
    count,         ///< max_literals
  };
  struct Step {
    Event event;
    std::size_t consumed;   ///< bytes of the input used by this step
  };

  explicit Framer(FramerLimits limits = {});

  /// Consumes a prefix of `input` and reports the first event reached. Call again with the
  /// unconsumed rest until it returns need_more with everything consumed.
  Step feed(std::string_view input);
  /// The complete command after Event::command (moves it out; the framer starts the next).
  std::string take_command();
  /// Whether APPEND commands get the APPEND limits (the session allows them once logged in);
  /// otherwise an APPEND's literals are held to max_command_literal_octets like any command's.
  /// True until called.
  void allow_append(bool allowed) { append_allowed_ = allowed; }
  /// The tag of the command an error event refers to, if it had a valid one ("*" otherwise).
  const std::string& tag() const { return tag_; }
  /// The size of the literal just announced (after Event::continuation or literal_too_big).
  std::uint64_t literal_size() const { return literal_size_; }
  /// Which limit the last literal_too_big passed.
  Exceeded exceeded() const { return exceeded_; }
  /// True after a non-synchronizing literal too large even to count off (or refused under
  /// LITERAL-), or once the skip limit is passed: the stream is no longer framed and the
  /// connection must end.
  bool broken() const { return state_ == State::dead; }
  /// From now on at most `octets` octets of over-limit commands (the rest of an over-long
  /// line, over-limit non-synchronizing literals) are counted off, in all; the command that
  /// would pass that is reported (line_too_long or literal_too_big) with broken() true, as soon
  /// as its size is known. Unlimited until called. The session sets it when IMAP COMPRESS
  /// starts: skipping inflated data costs CPU the client does not pay for.
  void set_skip_limit(std::uint64_t octets) {
    skip_left_ = octets;
    skip_limited_ = true;
  }
  /// Bytes currently buffered for the command in progress (for memory accounting).
  std::size_t buffered() const { return command_.size(); }
  /// True while a command has begun and no event has ended it yet (its text, its literals, or
  /// the skipping of an over-limit one): the session's command deadline runs meanwhile.
  bool in_command() const { return !restart_ && (state_ != State::line || !command_.empty()); }
  /// Forgets the command in progress (used by STARTTLS: nothing after it survives, RFC 3501
  /// §6.2.1 and RFC 2595 §3.1).
  void reset();
  /// While true, an empty line is a command ("") instead of being skipped: a SASL client
  /// answers some challenges with an empty response (RFC 3501 §6.2.2, e.g. after SCRAM's
  /// server-final message, RFC 5802 §5). The session sets it around AUTHENTICATE's reads.
  void keep_empty_lines(bool keep) { keep_empty_ = keep; }

 private:
  /// Recognizes a literal marker ("{" 1*DIGIT ["+"] "}") at the end of a line, one byte at a
  /// time, so that a line being skipped (never stored) is judged exactly like a stored one.
  struct MarkerScan {
    int state = 0;              // 0 none, 1 after "{", 2 digits, 3 after "+", 4 after "}"
    bool pending_cr = false;    // a CR that ends the line if LF follows
    bool overflow = false;      // the number does not fit in 64 bits
    bool plus = false;
    std::uint64_t value = 0;
    void step(unsigned char c);
    void feed(unsigned char c);
    bool complete() const { return state == 4; }
  };
  enum class State { line, literal, skip_line, skip_literal, dead };

  void start_command();
  /// The first line's tag, or "*"; `complete` says whether `line` is the whole line.
  void set_tag(std::string_view line, bool complete);
  /// Handles the end of a stored line. Returns true and sets `event` when one is due.
  bool end_line(Event& event);
  /// Handles the end of a skipped line.
  bool end_skipped_line(Event& event);
  /// Whether a literal of `size` passes a limit (setting exceeded_); `overflow`: its size did
  /// not fit in 64 bits.
  bool literal_too_big(bool overflow, std::uint64_t size);
  /// Drops what is stored and skips the rest of the command; `error` is reported at its end.
  void doom(Event error);
  /// Takes `n` octets from the skip budget; false (and the framer is dead) when not there.
  bool spend_skip(std::uint64_t n);

  FramerLimits limits_;
  State state_ = State::line;
  std::string command_;
  std::string tag_ = "*";
  bool tag_known_ = false;
  bool restart_ = false;        // the last event ended a command: start afresh on next feed
  bool keep_empty_ = false;     // keep_empty_lines()
  Event skip_error_ = Event::line_too_long;
  MarkerScan scan_;
  std::uint64_t literal_size_ = 0;
  std::uint64_t literal_left_ = 0;
  std::size_t line_octets_ = 0;   // command text (outside literals) of this command, stored
  std::size_t literals_ = 0;
  bool append_ = false;              // the command is an APPEND (judged at its first literal)
  bool append_allowed_ = true;       // allow_append()
  std::uint64_t literal_total_ = 0;  // octets of the accepted literals of this command
  Exceeded exceeded_ = Exceeded::literal;
  bool skip_limited_ = false;   // set_skip_limit()
  std::uint64_t skip_left_ = 0;
};

}  // namespace pillarbox::imap
