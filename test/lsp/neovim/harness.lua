-- Drives Neovim's own LSP client for test/lsp/neovim.test.ts, in a headless Neovim (0.7 and later): sources the
-- README's recipe (editors/neovim.lua, which starts `clem-registry lsp --stdio`), opens the registry, and writes to
-- a JSON file what Neovim's APIs say: the buffer's diagnostics, a hover on `eos_to_cull`, and the file after a quick
-- fix chosen from vim.lsp.buf.code_action(), as a user picks it. Every wait is bounded; a failure is written too.
local recipe = assert(os.getenv('CLEM_NVIM_RECIPE'))
local file = assert(os.getenv('CLEM_NVIM_FILE'))
local out = assert(os.getenv('CLEM_NVIM_OUT'))
local fix_code = assert(os.getenv('CLEM_NVIM_FIX_CODE'))
local WAIT_MS = 30000

local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }

local function wait_for(what, condition)
  if not vim.wait(WAIT_MS, condition, 20) then error('no ' .. what .. ' within ' .. WAIT_MS .. ' ms') end
end

local function run()
  dofile(recipe)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()

  wait_for('diagnostics', function() return #vim.diagnostic.get(buf) > 0 end)
  -- One publish per check: a second one (there should be none) would come within moments and be read instead.
  vim.wait(500)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = d.code, message = d.message, source = d.source,
    })
  end

  -- Hover with the cursor inside the key `"eos_to_cull"`.
  local line, col = unpack(vim.fn.searchpos('"eos_to_cull"', 'cw'))
  if line == 0 then error('no "eos_to_cull" in ' .. file) end
  vim.api.nvim_win_set_cursor(0, { line, col + 1 })
  local answers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', vim.lsp.util.make_position_params(), WAIT_MS) or {}
  for _, answer in pairs(answers) do
    if answer.result and answer.result.contents then result.hover = answer.result.contents end
  end

  -- A quick fix: the cursor on the first finding of `fix_code`, code_action() as Ctrl+. would, and the user picks
  -- the first quick fix for that finding from the menu (vim.ui.select).
  local target
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == fix_code and (not target or d.lnum < target.lnum or (d.lnum == target.lnum and d.col < target.col)) then target = d end
  end
  if not target then error('no ' .. fix_code .. ' finding to fix') end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  result.fix = { lnum = target.lnum, col = target.col, offered = {} }
  vim.ui.select = function(items, _, on_choice)
    local chosen
    for i, item in ipairs(items) do
      local action = item.action or item[2] -- Neovim 0.8+ | 0.7
      table.insert(result.fix.offered, action.title)
      local about = action.diagnostics and action.diagnostics[1]
      if not chosen and action.kind == 'quickfix' and about and about.code == fix_code
        and about.range.start.line == target.lnum then
        chosen = i
        result.fix.title = action.title
      end
    end
    on_choice(chosen and items[chosen], chosen)
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action()
  wait_for('change from the quick fix', function() return vim.api.nvim_buf_get_changedtick(buf) ~= tick end)
  vim.cmd('write')
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
local f = assert(io.open(out, 'w'))
f:write(vim.json.encode(result))
f:close()
vim.cmd(ok and 'qall!' or 'cquit 1')
