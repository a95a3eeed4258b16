#include "admin/text_index.h"

#include <fmt/format.h>

#include <iostream>

namespace pillarbox::admin {

void add_index_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* index = app.add_subcommand("index", "The full-text index behind SEARCH TEXT and BODY");
  index->require_subcommand(1);
  static bool missing_only = false;
  auto* rebuild = index->add_subcommand(
      "rebuild", "Index every stored message again (or with --missing, those not indexed yet); safe while serving");
  rebuild->add_flag("--missing", missing_only, "Only messages stored before the index existed");
  rebuild->callback([&] {
    status = run_with_store(options, [&options](store::MailStore& st) -> Status {
      auto indexed = st.rebuild_text_index(!missing_only);
      if (!indexed) return indexed.error();
      if (options.json) std::cout << fmt::format("{{\"indexed\":{}}}\n", *indexed);
      else std::cout << fmt::format("indexed {} message{}\n", *indexed, *indexed == 1 ? "" : "s");
      return {};
    });
  });
}

}  // namespace pillarbox::admin
