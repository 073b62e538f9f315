# RedLine Approval. `make demo` and `make test` set everything up themselves (Debian 12, root).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := python3-qgis qgis-providers qgis xvfb python3-venv python3-pip python3-pyproj python3-gdal \
	python3-fiona python3-scipy fonts-noto-cjk qttools5-dev-tools pyqt5-dev-tools poppler-utils postgresql postgresql-15-postgis-3
QGIS_ENV := QT_QPA_PLATFORM=offscreen PYTHONPATH=/usr/share/qgis/python/plugins
PLUGIN_NAME := redline_approval
QGIS_PLUGINS := $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins

.PHONY: setup apt test demo serve lint bench i18n package install clean screenshots

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory apt
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

test: setup
	$(QGIS_ENV) $(PY) -m pytest -q $(PYTEST_ARGS)
	$(VENV)/bin/ruff check .

demo: setup
	$(QGIS_ENV) $(PY) -m redline_approval.scripts.demo

SERVE_ARGS ?= --demo

serve: setup
	$(VENV)/bin/redline serve $(SERVE_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(QGIS_ENV) $(PY) -m redline_approval.scripts.bench

i18n: setup
	pylupdate5 -noobsolete $$(find plugin processing_algorithms -name '*.py') -ts i18n/redline_approval_zh_CN.ts
	lrelease i18n/redline_approval_zh_CN.ts -qm i18n/redline_approval_zh_CN.qm

package: setup
	$(PY) -m redline_approval.scripts.package dist/$(PLUGIN_NAME).zip

install: setup
	/usr/bin/python3 -m pip install -q --user --break-system-packages 'shapely==2.0.6' 'ezdxf==1.3.4' 'XlsxWriter==3.2.0' 'jsonschema>=4.10' 'requests>=2.28'
	mkdir -p $(QGIS_PLUGINS)
	ln -sfn $(CURDIR) $(QGIS_PLUGINS)/$(PLUGIN_NAME)
	@echo "linked $(CURDIR) as $(QGIS_PLUGINS)/$(PLUGIN_NAME); enable it in QGIS's plugin manager"

clean:
	rm -rf demo_output dist build .pytest_cache

screenshots: setup
	$(PY) -m redline_approval.scripts.screenshots
