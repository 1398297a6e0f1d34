"""Drives the storegate-hq console in headless Chromium (Debian's chromium and chromium-driver, python3-selenium).

Run by ConsoleBrowserTests with one JSON argument:
  {"url": ..., "operator": [name, password], "viewer": [name, password], "screenshots": dir,
   "alert_id": N, "redeem": [argv of the command that redeems one code at a real gateway],
   "redeem_prefix": [the same without the code], "issue": {gtin, count, region, campaign, reward}}
Prints one JSON object with what the browser saw; the Swift test compares it with SQL recounts.
"""
import json
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, url, name, password):
    driver.get(url + "/login")
    driver.find_element(By.ID, "login-user").send_keys(name)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "user"))


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text.strip()


def main():
    config = json.loads(sys.argv[1])
    url, shots = config["url"], config["screenshots"]
    result = {"console_errors": []}
    driver = browser()
    try:
        sign_in(driver, url, *config["operator"])
        result["signed_in_as"] = text(driver, "user")
        # The stream is live once the indicator says so.
        WebDriverWait(driver, 10).until(lambda d: text(d, "live-state") == "live")
        keys = ["redemptions", "units_sold", "revenue", "active_stores"]
        result["shown"] = {key: text(driver, "today-" + key) for key in keys}
        result["shown_last_week"] = {key: text(driver, "last-week-" + key) for key in keys}
        result["open_alerts"] = text(driver, "open-alerts")
        driver.save_screenshot(shots + "/overview.png")

        # A redemption at the real gateway shows on the open page, without a reload.
        before = int(result["shown"]["redemptions"])
        marker = driver.execute_script("window.__sameDocument = true; return window.__sameDocument;")
        subprocess.run(config["redeem"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        WebDriverWait(driver, 5, poll_frequency=0.05).until(lambda d: int(text(d, "today-redemptions")) == before + 1)
        result["live_ms"] = round((time.monotonic() - started) * 1000)
        result["same_document"] = marker and driver.execute_script("return window.__sameDocument === true;")
        result["redemptions_after"] = int(text(driver, "today-redemptions"))
        driver.save_screenshot(shots + "/overview-live.png")

        # The CSV export, fetched as the browser would download it (same session).
        driver.set_script_timeout(10)
        result["csv"] = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/api/overview.csv').then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));")

        # The operator acknowledges an alert with a note.
        driver.get(url + "/alerts")
        row = driver.find_element(By.ID, "alert-%d" % config["alert_id"])
        row.find_element(By.NAME, "note").send_keys("checked the store by phone")
        row.find_element(By.CSS_SELECTOR, "form.ack button").click()
        cell = "#alert-%d .acknowledged-by" % config["alert_id"]
        # The form posts and the page reloads: read the new page's cell by script (no element kept across the reload).
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script("const c = document.querySelector(arguments[0]); return c ? c.textContent.trim() : '';", cell))
        row = driver.find_element(By.ID, "alert-%d" % config["alert_id"])
        result["acknowledged_by"] = row.find_element(By.CLASS_NAME, "acknowledged-by").text.strip()
        result["note"] = row.find_element(By.CLASS_NAME, "note").text.strip()
        driver.save_screenshot(shots + "/alerts-operator.png")

        # The operator issues a campaign's batch from the console, the store applies it (the campaign's window and
        # its codes), and one of its codes is redeemed at the real gateway.
        issue = config["issue"]
        driver.get(url + "/batches")
        driver.find_element(By.CSS_SELECTOR, "#issue summary").click()
        for field in ("gtin", "count", "region", "campaign", "reward"):
            driver.find_element(By.ID, "issue-" + field).send_keys(str(issue[field]))
        driver.find_element(By.ID, "issue-submit").click()
        WebDriverWait(driver, 30).until(lambda d: "/batches/B" in d.current_url)
        batch_id = driver.current_url.rsplit("/", 1)[1]
        result["issued_batch_id"] = batch_id
        driver.save_screenshot(shots + "/batch-issued.png")
        fetch_json = ("const done = arguments[arguments.length - 1];"
                      "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, t])));")
        deadline = time.monotonic() + 90
        while True:
            status, body = driver.execute_async_script(fetch_json, "/api/batches/" + batch_id)
            batch = json.loads(body)["batches"][0]
            if batch["stores_applied"] == batch["stores"] >= 1 or time.monotonic() > deadline:
                result["issued_batch_applied"] = batch["stores_applied"]
                break
            time.sleep(0.5)
        status, codes = driver.execute_async_script(fetch_json, "/api/batches/%s/codes.csv" % batch_id)
        code = [line for line in codes.splitlines() if line.startswith("01/")][0]
        redeemed = subprocess.run(config["redeem_prefix"] + ["https://id.gs1.org/" + code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        result["campaign_redeem_status"] = redeemed.returncode
        result["campaign_redeem_output"] = redeemed.stdout.decode(errors="replace")[-300:]
        # The redemption reaches HQ's rollups; then the campaign's page, and a drill-down by region to the store.
        deadline = time.monotonic() + 30
        while True:
            status, body = driver.execute_async_script(fetch_json, "/api/campaigns/" + issue["campaign"])
            campaigns = json.loads(body).get("campaigns", []) if status == 200 else []
            if (campaigns and campaigns[0]["week_redemptions"] >= 1) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        driver.get(url + "/campaigns")
        result["campaigns_title"] = driver.find_element(By.TAG_NAME, "h1").text.strip()
        driver.save_screenshot(shots + "/campaigns.png")
        driver.get(url + "/campaigns/" + issue["campaign"])
        result["campaign_week"] = text(driver, "redemptions-week")
        result["campaign_reward_cost"] = text(driver, "reward-cost")
        result["campaign_hour_bars"] = len(driver.find_elements(By.CSS_SELECTOR, "#redemptions-per-hour rect.bar"))
        driver.save_screenshot(shots + "/campaign.png")
        driver.find_element(By.ID, "drill-regions").click()
        levels = []
        for _ in range(4):
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "drill"))
            table = driver.find_element(By.ID, "drill")
            levels.append(table.get_attribute("data-level"))
            table.find_element(By.CSS_SELECTOR, "tbody tr td a").click()
        WebDriverWait(driver, 10).until(lambda d: "/stores/" in d.current_url)
        result["drill_levels"] = levels
        result["drill_end"] = driver.current_url[len(url):]
        driver.save_screenshot(shots + "/drill-store.png")
        driver.get(url + "/stores")
        result["stores_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#stores tbody tr"))
        driver.save_screenshot(shots + "/stores.png")
        driver.get(url + "/batches")
        result["batch_rows"] = [row.get_attribute("id")[len("batch-"):] for row in driver.find_elements(By.CSS_SELECTOR, "#batches tbody tr")]
        driver.save_screenshot(shots + "/batches.png")
        driver.get(url + "/skus")
        result["sku_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#skus tbody tr"))
        driver.save_screenshot(shots + "/skus.png")
        result["console_errors"] += [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]

        # A viewer sees the alerts but no acknowledge form.
        driver.find_element(By.ID, "sign-out").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "login"))
        sign_in(driver, url, *config["viewer"])
        driver.get(url + "/alerts")
        result["viewer_ack_forms"] = len(driver.find_elements(By.CSS_SELECTOR, "form.ack"))
        result["viewer_read_only_note"] = len(driver.find_elements(By.ID, "read-only"))
        driver.save_screenshot(shots + "/alerts-viewer.png")
        # A viewer gets no issue form, and a forged POST with the viewer's own CSRF token is refused.
        driver.get(url + "/batches")
        result["viewer_issue_forms"] = len(driver.find_elements(By.ID, "issue-codes"))
        token = driver.find_element(By.CSS_SELECTOR, "form.signout input[name=csrf]").get_attribute("value")
        result["console_errors"] += [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        result["viewer_issue_status"] = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/batches', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
            " body: 'csrf=' + encodeURIComponent(arguments[0]) + '&gtin=09506000134352&count=1&region=CN-31'})"
            ".then(r => done(r.status));", token)
        # The refusal is the one error the browser may log now.
        result["console_errors"] += [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
                                     and "/batches - Failed to load resource: the server responded with a status of 403" not in entry["message"]]
        result["console_errors"] += [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
