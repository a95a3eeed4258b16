// Asio is built once here (ASIO_SEPARATE_COMPILATION) instead of in every file that uses it,
// which keeps the build fast on small machines.
#include <asio/impl/src.hpp>
#include <asio/ssl/impl/src.hpp>
