-- clem-registry's language server in Neovim's built-in LSP client (Neovim 0.7 and later): put this in init.lua.
-- It needs `clem-registry` on PATH (npm install -g, from a checkout or the package).
local clem_registry = nil
vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  -- Registries by name; add the patterns of `files` below to attach to those too.
  pattern = { 'model_registry.json' },
  callback = function(args)
    if not (clem_registry and vim.lsp.get_client_by_id(clem_registry)) then
      clem_registry = vim.lsp.start_client({
        name = 'clem-registry',
        cmd = { 'clem-registry', 'lsp', '--stdio' },
        root_dir = vim.fn.getcwd(),
        init_options = {
          settings = {
            clemRegistry = {
              clemcoreVersion = '3.7', -- or '3.3'
              severity = {}, -- e.g. { ['context-size'] = 'off' }
              files = {}, -- e.g. { 'registries/*.json' }, relative to the working directory
            },
          },
        },
      })
    end
    vim.lsp.buf_attach_client(args.buf, clem_registry)
  end,
})
