// Raw DEFLATE both ways for IMAP COMPRESS (deflate.h; RFC 4978 §4, RFC 1951).
#include "net/deflate.h"

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <new>

namespace pillarbox::net {
namespace {

class CompressCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "deflate"; }
  std::string message(int value) const override {
    switch (static_cast<CompressError>(value)) {
      case CompressError::corrupt: return "compressed data is not valid DEFLATE";
      case CompressError::ended: return "the compressed stream was ended";
      case CompressError::no_memory: return "no memory for compression";
    }
    return "compression error";
  }
};

constexpr std::size_t kHeader = alignof(std::max_align_t);

}  // namespace

const std::error_category& compress_category() {
  static const CompressCategory category;
  return category;
}

std::error_code make_error_code(CompressError e) { return {static_cast<int>(e), compress_category()}; }

struct Deflate::Streams {
  z_stream in{};   // inflate: peer to us
  z_stream out{};  // deflate: us to peer
  bool in_ready = false;
  bool out_ready = false;
};

Deflate::Deflate() : z_(std::make_unique<Streams>()) {}

Deflate::~Deflate() {
  if (z_->in_ready) inflateEnd(&z_->in);
  if (z_->out_ready) deflateEnd(&z_->out);
}

// zlib allocates through these, so memory() is exact: each block carries its size in front.
void* Deflate::alloc(void* self, unsigned items, unsigned size) {
  const std::size_t bytes = static_cast<std::size_t>(items) * size;
  auto* block = static_cast<char*>(::operator new(bytes + kHeader, std::nothrow));
  if (!block) return Z_NULL;
  *reinterpret_cast<std::size_t*>(block) = bytes;
  static_cast<Deflate*>(self)->memory_ += bytes;
  return block + kHeader;
}

void Deflate::release(void* self, void* address) {
  char* block = static_cast<char*>(address) - kHeader;
  static_cast<Deflate*>(self)->memory_ -= *reinterpret_cast<std::size_t*>(block);
  ::operator delete(block);
}

std::unique_ptr<Deflate> Deflate::create(const CompressSettings& s, std::error_code& ec) {
  ec.clear();
  std::unique_ptr<Deflate> d(new Deflate());
  d->max_input_ = std::clamp<std::size_t>(s.max_input, 1, std::numeric_limits<uInt>::max());
  for (z_stream* z : {&d->z_->in, &d->z_->out}) {
    z->zalloc = &Deflate::alloc;
    z->zfree = &Deflate::release;
    z->opaque = d.get();
  }
  // Negative window bits: raw DEFLATE, no zlib header or checksum (RFC 4978 §4).
  d->z_->in_ready = inflateInit2(&d->z_->in, -15) == Z_OK;
  d->z_->out_ready = d->z_->in_ready && deflateInit2(&d->z_->out, s.level, Z_DEFLATED, -s.deflate_window_bits,
                                                     s.deflate_mem_level, Z_DEFAULT_STRATEGY) == Z_OK;
  if (!d->z_->out_ready) {
    ec = CompressError::no_memory;
    return nullptr;
  }
  return d;
}

bool Deflate::wants_input() const { return !error_ && z_->in.avail_in == 0 && !in_more_; }

void Deflate::give_input(std::string compressed) {
  input_ = std::move(compressed);
  z_->in.next_in = reinterpret_cast<Bytef*>(input_.data());
  z_->in.avail_in = static_cast<uInt>(input_.size());
}

std::size_t Deflate::inflate(char* out, std::size_t size, std::error_code& ec) {
  ec = error_;
  if (error_) return 0;
  z_stream& z = z_->in;
  std::size_t made = 0;
  while (made == 0 && (z.avail_in > 0 || in_more_)) {
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
    const uInt room = z.avail_out;
    const int rc = ::inflate(&z, Z_SYNC_FLUSH);
    made = room - z.avail_out;
    in_more_ = z.avail_out == 0;
    if (z.avail_in == 0) input_.clear();
    if (rc == Z_STREAM_END) {
      // A final block: RFC 4978 keeps the stream open for the whole connection.
      error_ = CompressError::ended;
    } else if (rc == Z_MEM_ERROR) {
      error_ = CompressError::no_memory;
    } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR ||
               (rc == Z_BUF_ERROR && made == 0 && z.avail_in > 0)) {
      error_ = CompressError::corrupt;
    }
    if (error_) {
      // What came before the error is handed out first; the error comes with the next call.
      in_more_ = false;
      if (made == 0) ec = error_;
      return made;
    }
  }
  return made;
}

void Deflate::deflate_begin(std::string_view data) {
  to_deflate_ = data;
  z_->out.avail_in = 0;
}

void Deflate::refill() {
  // zlib counts input in a 32-bit uInt: a larger write is handed over in pieces.
  const std::size_t n = std::min<std::size_t>(to_deflate_.size(), max_input_);
  z_->out.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(to_deflate_.data()));
  z_->out.avail_in = static_cast<uInt>(n);
  to_deflate_.remove_prefix(n);
}

std::string_view Deflate::deflate_next(bool& done, std::error_code& ec) {
  ec.clear();
  done = false;
  z_stream& z = z_->out;
  if (z.avail_in == 0 && !to_deflate_.empty()) refill();
  output_.resize(kPiece);
  z.next_out = reinterpret_cast<Bytef*>(output_.data());
  z.avail_out = static_cast<uInt>(output_.size());
  // Only the last piece of input ends with the sync flush.
  const int rc = ::deflate(&z, to_deflate_.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH);
  if (rc != Z_OK && rc != Z_BUF_ERROR) {
    ec = CompressError::corrupt;
    done = true;
    return {};
  }
  // All input taken and room left over: the sync flush is complete.
  done = z.avail_in == 0 && to_deflate_.empty() && z.avail_out != 0;
  const std::size_t made = output_.size() - z.avail_out;
  return std::string_view(output_.data(), made);
}

}  // namespace pillarbox::net
