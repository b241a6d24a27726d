"""The demo articles, one block each: a heading line ``title | category | audience | state``,
the summary, then the steps (``- `` starts one, an indented line continues it)."""

ARTICLES = """
Connect to the VPN from home | network-vpn | everyone | published
Reach internal sites from outside the office.
- Open the VPN client from the system tray.
- Choose the gateway *vpn.example.com* and sign in with your usual account.
- Approve the MFA prompt on your phone.
- Wait for the icon to turn green before opening internal sites.

VPN disconnects after ten minutes idle | network-vpn | everyone | published
A known issue with older VPN clients dropping idle tunnels.
- Update the VPN client from the Software Centre.
- Restart the laptop.
- If it still drops, report a problem and mention your client version.

VPN says 'certificate expired' | network-vpn | everyone | published
Your device certificate renews itself when you are on the office network.
- Connect to the office network (cable or Wi-Fi) once.
- Leave the laptop on for 15 minutes.
- Try the VPN again.

Reset your password | access-password-reset | everyone | published
Choose a new password yourself, any time, without calling the desk.
- Go to the self-service password page.
- Enter your username and answer the MFA prompt.
- Choose a password of at least 14 characters.
- Sign out and in again on every device, phone mail included.

Your account is locked | access-account-locked | everyone | published
After ten wrong passwords the account locks for 30 minutes.
- Wait 30 minutes, or reset your password (it unlocks the account).
- Update the password saved in your phone's mail app: an old one there locks you again.

Set up multi-factor authentication (MFA) | access-permissions | everyone | published
Every account needs a second factor to sign in from outside.
- Install the authenticator app on your phone.
- Open the security info page and choose *Add method*.
- Scan the QR code with the app.
- Approve the test notification.

New phone: move your MFA | access-permissions | everyone | published
Move the authenticator before you wipe the old phone.
- On the security info page add the new phone as a method.
- Approve the test on the new phone.
- Delete the old phone from the list.

MFA prompts keep coming that you did not ask for | security-phishing | everyone | published
Someone may know your password.
- Deny every prompt you did not start.
- Reset your password at once.
- Report a problem so security can check the sign-ins.

Add a printer | hardware-printer | everyone | published
Printers are added by floor from the print server.
- Open *Settings › Printers*.
- Choose *Add printer* and search for your floor, e.g. `FL3`.
- Pick the printer named on its label and print a test page.

Printer shows 'offline' | hardware-printer | everyone | published
Usually the print queue is stuck, not the printer.
- Open the printer's queue and cancel every job.
- Turn the printer off and on.
- Remove and add the printer again.

Scan to email | hardware-printer | everyone | published
Multifunction printers send scans to your own address only.
- Badge in at the printer.
- Choose *Scan to me*.
- The scan arrives as a PDF within two minutes.

Paper jam on the multifunction printers | hardware-printer | everyone | review
Clear the jam without tearing the paper.
- Open the doors the display shows, in order.
- Pull the paper out in the direction it travels.
- Close every door; the printer resumes.

Outlook does not start | email-mailbox | everyone | published
A damaged profile or add-in stops Outlook starting.
- Start Outlook in safe mode: hold Ctrl while you click it.
- Disable the add-ins under *File › Options › Add-ins*.
- Restart Outlook normally.

Outlook asks for the password again and again | email-mailbox | everyone | published
An old saved credential is in the way.
- Close Outlook.
- Open *Credential Manager* and remove the entries with *Office* in their name.
- Start Outlook and sign in once.

Your mailbox is full | email-mailbox | everyone | published
Mailboxes hold 50 GB; archiving frees space.
- Empty *Deleted Items*.
- Sort by size and delete large old attachments.
- Turn on the online archive under *File › Tools*.

Share a calendar in Outlook | email-mailbox | everyone | published
Let colleagues see or edit your calendar.
- Right-click your calendar and choose *Sharing permissions*.
- Add the colleague and pick *Can view* or *Can edit*.

Set an out-of-office reply | email-mailbox | everyone | published
Tell senders you are away.
- In Outlook choose *File › Automatic replies*.
- Write one reply for colleagues and one for outside senders.
- Set the dates so it switches itself off.

Report a phishing email | security-phishing | everyone | published
Suspicious mail goes to security, not to the bin.
- Do not click links or open attachments.
- Use the *Report phishing* button in Outlook.
- If you already clicked, reset your password and report a problem.

Mail to an outside address bounces | email-delivery | everyone | published
Read the bounce: it names the reason.
- Check the address for typos.
- Attachments over 25 MB are refused: share a link instead.
- Forward the bounce when you report a problem.

Connect to the office Wi-Fi | network-wi-fi | everyone | published
Use *Corp* with your own account; *Guest* is for visitors.
- Choose the network *Corp*.
- Sign in with your username and password.
- Accept the certificate *radius.example.com*.

Wi-Fi drops between floors | network-wi-fi | everyone | published
Laptops sometimes hold on to a distant access point.
- Turn Wi-Fi off and on after changing floor.
- Update the wireless driver from the Software Centre.

Guest Wi-Fi for visitors | network-wi-fi | everyone | published
Visitors get a one-day code from reception.
- Ask reception for a guest code.
- Connect to *Guest* and enter the code.

No network on the docking station | hardware-laptop | everyone | published
The dock's network port needs its own driver.
- Unplug the dock, wait ten seconds, plug it in again.
- Update the dock firmware from the Software Centre.

Laptop battery drains fast | hardware-laptop | everyone | published
Check what uses the power before asking for a new battery.
- Open *Settings › Battery* and see which apps use most.
- Lower screen brightness.
- Report a problem if the battery health is below 60%.

Laptop will not turn on | hardware-laptop | everyone | published
Try a hard reset before anything else.
- Unplug the charger and any dock.
- Hold the power button for 30 seconds.
- Plug the charger in and wait five minutes, then start.

Second monitor not detected | hardware-monitor | everyone | published
Windows needs to be told to look again.
- Press Windows + P and choose *Extend*.
- Check the cable at both ends.
- Try the other video port on the dock.

Install software from the Software Centre | software-installation | everyone | published
Approved software installs itself; no admin rights needed.
- Open the Software Centre.
- Search for the program and click *Install*.
- Not listed? Request it from the service catalogue.

Windows updates are stuck | software-operating-system | everyone | published
Updates sometimes need a second restart.
- Save your work and restart.
- Open *Windows Update* and choose *Check for updates*.
- Leave the laptop on and plugged in overnight.

Free up disk space | software-operating-system | everyone | published
A full disk slows everything down.
- Run *Disk Clean-up* for your user.
- Empty the Downloads folder.
- Files in OneDrive can be set to *online only*.

Excel crashes when opening a file | software-office-suite | everyone | published
Large files with add-ins are the usual cause.
- Open Excel in safe mode (hold Ctrl).
- Disable COM add-ins.
- Open the file again.

Teams: no sound in meetings | software-office-suite | everyone | published
Teams may use the wrong device.
- In the meeting choose *More › Device settings*.
- Pick your headset for speaker and microphone.
- Make a test call.

Recover a deleted file from OneDrive | software-office-suite | everyone | published
Deleted files stay in the recycle bin for 93 days.
- Open OneDrive in the browser.
- Choose *Recycle bin*.
- Select the file and *Restore*.

Request access to a shared folder | access-permissions | everyone | published
The folder's owner approves access.
- Right-click the folder path and copy it.
- Order *Folder access* in the service catalogue with the path.
- The owner approves; access follows within an hour.

ERP: invoice batch times out | software-business-application | everyone | published
Large batches time out at month end.
- Split the batch into runs of at most 500 invoices.
- Run them outside 09:00–11:00.

Mobile phone: set up work email | hardware-mobile-phone | everyone | published
Work mail on phones uses the Outlook app.
- Install Outlook from the company portal app.
- Sign in with your work account and approve MFA.
- Accept the device policy.

Lost or stolen phone or laptop | security-data-leak | everyone | published
Report it at once so the device can be wiped.
- Report a problem straight away, any hour.
- Reset your password.
- Tell your manager.

Laptop encryption recovery key | security-data-leak | everyone | published
The desk reads the key to you after checking who you are.
- Note the key ID on the blue screen.
- Call the service desk from a known phone number.
- Type the key the agent reads to you.

DNS: internal sites not found | network-dns | everyone | published
A stale DNS cache after VPN changes.
- Open a terminal and run `ipconfig /flushdns`.
- Disconnect and reconnect the VPN.

Old VPN client (before 2025) | network-vpn | everyone | retired
Replaced by the new client; kept for reference.
- Uninstall the old client.
- Install the new one from the Software Centre.

Fax to email gateway | email-delivery | everyone | retired
The fax gateway was switched off.
- Use scan to email instead.

Printer driver crash: restart the spooler | hardware-printer | agents | published
Desk procedure when the spooler crashes on a print server.
- Sign in to the print server with your admin account.
- Restart the *Print Spooler* service.
- Clear `C:\\Windows\\System32\\spool\\PRINTERS`.
- Link the incident to the known error.

Unlock an account in the directory | access-account-locked | agents | published
Desk procedure, after checking the caller's identity.
- Verify the caller with two questions from the profile.
- Unlock the account in the directory console.
- Ask the caller to update saved passwords on their phone.

Reset MFA for a caller | access-permissions | agents | published
Only after a video call or in person.
- Verify identity on a video call with ID.
- Revoke the MFA methods in the admin portal.
- Ask the caller to register again within 24 hours.

Escalating a suspected data leak | security-data-leak | agents | published
What the desk does in the first 15 minutes.
- Raise a major incident to the security team.
- Do not contact outside parties.
- Keep notes internal.

Mailbox permissions for shared mailboxes | email-mailbox | agents | review
Grant *Full access* and *Send as* on request.
- Check the approval on the request.
- Grant the rights in the admin centre.
- Rights show in Outlook within an hour.

Database failover runbook | database-availability | agents | draft
Switch the ERP database to its replica.
- Confirm the primary is down with the DBA on call.
- Promote the replica.
- Update the connection alias.

Month-end report tuning | database-performance | agents | draft
Queries to look at when month-end reports are slow.
- Check the long-running query view.
- Ask the DBA to refresh statistics.

Badge reader does not open the door | hardware-desktop | everyone | draft
Badges stop working when the photo expires.
- Check the date on your badge.
- Ask reception for a new badge.

Using the new expense app | software-business-application | everyone | review
Expenses move to the new app next month.
- Install the app from the company portal.
- Photograph receipts as you go.

Malware warning on your laptop | security-malware | everyone | published
Let the antivirus finish; do not ignore the warning.
- Do not turn the laptop off.
- Disconnect from Wi-Fi.
- Report a problem with a photo of the warning.
"""
