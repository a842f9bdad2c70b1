;; clem-registry's language server in Emacs with eglot (built into Emacs 29 and later; on Debian 12's Emacs 28,
;; apt-get install elpa-eglot): put this in init.el. It needs `clem-registry' on PATH.
(require 'eglot)
(define-derived-mode clem-registry-mode js-mode "Registry"
  "JSON mode for clembench model registries, checked by clem-registry's language server.")
;; Registries by name; add the patterns of `files' below to check those too.
(add-to-list 'auto-mode-alist '("/model_registry\\.json\\'" . clem-registry-mode))
(add-to-list 'eglot-server-programs
             '(clem-registry-mode
               . ("clem-registry" "lsp" "--stdio"
                  :initializationOptions
                  (:settings (:clemRegistry (:clemcoreVersion "3.7" ; or "3.3"
                                             :severity (:context-size "off")
                                             :files ["registries/*.json"]))))))
(add-hook 'clem-registry-mode-hook #'eglot-ensure)
