# A locked SecretManagement vault, as the default SecretStore is in every new session
# (Authentication Password, Interaction Prompt, 900 s unlock window), in the two sessions users have:
#  - unattended: a fresh `pwsh -NoProfile -NonInteractive`, where New-HubAccessToken,
#    Connect-HubAccount -CredentialSecretName and Remove-HubAccessToken -RemoveSecret must stop with
#    SecretVaultLocked before any request to Hub, and work once the vault is unlocked;
#  - interactive: a real console under tmux, where the vault asks for its password through
#    SecretManagement's own prompt before anything reaches Hub (create, sign-in, delete), the three
#    commands then work, and a wrong password creates nothing.
# The vaults are the SecretStore and test-vault stand-ins of tests/SecretManagement, set up inside each
# child process (their store lives in that process's memory). Hub's side is read from the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:Init = Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1'
    # A throwaway password of the throwaway in-memory test store.
    $script:VaultPassword = 'vault-' + [guid]::NewGuid().ToString('N').Substring(0, 8)

    function Get-Request([string] $Method, [string] $Path) {
        @(Get-HubRequestLog -Path $Path | Where-Object method -EQ $Method)
    }

    function Get-ServerLabel($Account) {
        @(Get-ServerToken -Username $Account.Username | ForEach-Object token_label)
    }
}

Describe 'A locked vault in an unattended session (pwsh -NonInteractive)' {
    BeforeAll {
        # Runs in the child: the default SecretStore setup, with a password, locked as in a new session.
        $script:Setup = {
            param($Init, $VaultPassword)
            $null = & $Init -Register Default, SecretStore
            $script:pw = ConvertTo-SecureString $VaultPassword -AsPlainText -Force
            Set-SecretStoreConfiguration -Authentication Password -Password $pw -Interaction Prompt -PasswordTimeout 900 -Confirm:$false
            Set-SecretVaultDefault -Name SecretStore
            Lock-TestVault -VaultName SecretStore
        }.ToString()

        function Get-Refusal($Record) {
            [pscustomobject]@{
                ErrorId  = $Record.FullyQualifiedErrorId
                Category = "$($Record.CategoryInfo.Category)"
                Message  = $Record.Exception.Message
            }
        }
    }

    It 'New-HubAccessToken stops with SecretVaultLocked before any request, then works after Unlock-SecretStore' {
        $account = New-TestAccount -Prefix 'lockednew'
        Clear-HubRequestLog
        $run = Invoke-InFreshPwsh -ArgumentList $Hub, $account.Username, $account.Password, $Init, $VaultPassword, $Setup {
            param($HubUri, $Username, $Password, $Init, $VaultPassword, $Setup)
            . ([scriptblock]::Create($Setup)) $Init $VaultPassword
            Connect-HubAccount -Credential ([pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))) -HubUri $HubUri -ErrorAction Stop
            $before = @(Get-HubAccessToken).Count

            $refused = $null
            try { $null = New-HubAccessToken -Label 'while-locked' -ErrorAction Stop } catch { $refused = $_ }
            $afterRefusal = @(Get-HubAccessToken).Count

            Unlock-SecretStore -Password $pw
            $made = New-HubAccessToken -Label 'after-unlock' -ErrorAction Stop
            $stored = Get-Secret -Name $made.SecretName -Vault SecretStore -ErrorAction Stop
            [pscustomobject]@{
                Before        = $before
                AfterRefusal  = $afterRefusal
                ErrorId       = $refused.FullyQualifiedErrorId
                Category      = "$($refused.CategoryInfo.Category)"
                Message       = $refused.Exception.Message
                Vault         = $made.Vault
                SecretName    = $made.SecretName
                SecretMatches = $stored.GetNetworkCredential().Password -eq [pscredential]::new('x', $made.Secret).GetNetworkCredential().Password
            }
        }
        $run.Terminated | Should -BeFalse -Because ($run.Error | Out-String)
        $answer = $run.Output[0]
        $answer.ErrorId | Should -BeLike 'SecretVaultLocked,*'
        $answer.Category | Should -Be 'ResourceUnavailable'
        $answer.Message | Should -BeLike "*vault 'SecretStore' is locked*"
        $answer.Message | Should -BeLike '*Unlock-SecretStore -Password*'
        $answer.Message | Should -Not -BeLike "*$VaultPassword*"
        $answer.AfterRefusal | Should -Be $answer.Before
        $answer.Vault | Should -Be 'SecretStore'
        $answer.SecretMatches | Should -BeTrue
        $run.StdOut | Should -Not -BeLike '*requires a password*' -Because 'no prompt may even begin where nobody can answer'
        Get-ServerLabel $account | Should -Be @('after-unlock')
        Get-Request POST '/v2/access-tokens' | Should -HaveCount 1 -Because 'only the command after unlocking may create a token'
    }

    It 'names Unlock-SecretVault -Name and the vault for a locked vault that is not SecretStore, and works after it' {
        $account = New-TestAccount -Prefix 'lockedother'
        $run = Invoke-InFreshPwsh -ArgumentList $Hub, $account.Username, $account.Password, $Init, $VaultPassword {
            param($HubUri, $Username, $Password, $Init, $VaultPassword)
            $null = & $Init -Register Default, Other
            $pw = ConvertTo-SecureString $VaultPassword -AsPlainText -Force
            Protect-TestVault -VaultName OtherVault -Password $pw
            Connect-HubAccount -Credential ([pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))) -HubUri $HubUri -ErrorAction Stop
            $refused = $null
            try { $null = New-HubAccessToken -Label 'other-locked' -Vault OtherVault -ErrorAction Stop } catch { $refused = $_ }
            Unlock-SecretVault -Name OtherVault -Password $pw
            $made = New-HubAccessToken -Label 'other-unlocked' -Vault OtherVault -ErrorAction Stop
            [pscustomobject]@{ ErrorId = $refused.FullyQualifiedErrorId; Message = $refused.Exception.Message; Vault = $made.Vault }
        }
        $run.Terminated | Should -BeFalse -Because ($run.Error | Out-String)
        $answer = $run.Output[0]
        $answer.ErrorId | Should -BeLike 'SecretVaultLocked,*'
        $answer.Message | Should -BeLike "*vault 'OtherVault' is locked*Unlock-SecretVault -Name 'OtherVault' -Password*"
        $answer.Vault | Should -Be 'OtherVault'
        Get-ServerLabel $account | Should -Be @('other-unlocked')
    }

    It 'Connect-HubAccount -CredentialSecretName stops with SecretVaultLocked before signing in (with -Vault and searching every vault), then signs in after unlocking' {
        $account = New-TestAccount -Prefix 'lockedconnect'
        Clear-HubRequestLog
        $run = Invoke-InFreshPwsh -ArgumentList $Hub, $account.Username, $account.Password, $Init, $VaultPassword, $Setup {
            param($HubUri, $Username, $Password, $Init, $VaultPassword, $Setup)
            . ([scriptblock]::Create($Setup)) $Init $VaultPassword
            Unlock-SecretStore -Password $pw
            Set-Secret -Name hub-login -Secret ([pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))) -Vault SecretStore -ErrorAction Stop
            Lock-TestVault -VaultName SecretStore
            $refusals = foreach ($with in @{ Vault = 'SecretStore' }, @{}) {
                try { Connect-HubAccount -CredentialSecretName hub-login -HubUri $HubUri @with -ErrorAction Stop; 'signed in' }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }
            }
            Unlock-SecretStore -Password $pw
            $session = Connect-HubAccount -CredentialSecretName hub-login -HubUri $HubUri -PassThru -ErrorAction Stop
            [pscustomobject]@{ Refusals = $refusals; User = $session.Username }
        }
        $run.Terminated | Should -BeFalse -Because ($run.Error | Out-String)
        $answer = $run.Output[0]
        $answer.Refusals | Should -HaveCount 2
        foreach ($refusal in $answer.Refusals) {
            $refusal.ErrorId | Should -BeLike 'SecretVaultLocked,*'
            $refusal.Message | Should -BeLike "*'SecretStore'*Unlock-SecretStore -Password*"
        }
        $answer.User | Should -Be $account.Username
        $run.StdOut | Should -Not -BeLike '*requires a password*'
        Get-Request POST '/v2/users/login' | Should -HaveCount 1 -Because 'only the sign-in after unlocking may reach Hub'
    }

    It 'Remove-HubAccessToken -RemoveSecret stops with SecretVaultLocked before deleting, then removes token and secret after unlocking' {
        $account = New-TestAccount -Prefix 'lockedremove'
        $run = Invoke-InFreshPwsh -ArgumentList $Hub, $account.Username, $account.Password, $Init, $VaultPassword, $Setup {
            param($HubUri, $Username, $Password, $Init, $VaultPassword, $Setup)
            . ([scriptblock]::Create($Setup)) $Init $VaultPassword
            Connect-HubAccount -Credential ([pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))) -HubUri $HubUri -ErrorAction Stop
            Unlock-SecretStore -Password $pw
            $made = New-HubAccessToken -Label 'to-remove' -ErrorAction Stop
            Lock-TestVault -VaultName SecretStore
            $refused = $null
            try { Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Stop } catch { $refused = $_ }
            $stillThere = @(Get-HubAccessToken | Where-Object Id -EQ $made.Id).Count
            Unlock-SecretStore -Password $pw
            Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Stop
            [pscustomobject]@{
                ErrorId    = $refused.FullyQualifiedErrorId
                StillThere = $stillThere
                SecretLeft = @(Get-SecretInfo -Name $made.SecretName -Vault SecretStore).Count
            }
        }
        $run.Terminated | Should -BeFalse -Because ($run.Error | Out-String)
        $answer = $run.Output[0]
        $answer.ErrorId | Should -BeLike 'SecretVaultLocked,*'
        $answer.StillThere | Should -Be 1
        $answer.SecretLeft | Should -Be 0
        Get-ServerLabel $account | Should -HaveCount 0
    }
}

Describe 'A locked vault at an interactive prompt (a real console under tmux)' {
    BeforeAll {
        $found = Get-TestTmux
        $script:Tmux = $found.Path
        $script:SkipReason = $found.SkipReason

        # The console's script: sign in, the default SecretStore setup with $Prepare run while it is
        # still unlocked, then locked as in a new session, then $Action, which fills $result.
        function Get-ConsoleScript($Account, [string] $ResultPath, [string] $Action, [string] $Prepare = '') {
            $values = @{
                Module = $env:DOCKERHUBPAT_TEST_MODULE; Init = $Init; Hub = $Hub; User = $Account.Username
                Password = $Account.Password; VaultPassword = $VaultPassword; Result = $ResultPath
            }
            $literals = @{}
            foreach ($key in $values.Keys) { $literals[$key] = "'" + ($values[$key] -replace "'", "''") + "'" }
            @"
`$ErrorActionPreference = 'Stop'
Import-Module $($literals.Module)
`$null = & $($literals.Init) -Register Default, SecretStore
`$pw = ConvertTo-SecureString $($literals.VaultPassword) -AsPlainText -Force
`$hub = $($literals.Hub)
`$login = [pscredential]::new($($literals.User), (ConvertTo-SecureString $($literals.Password) -AsPlainText -Force))
Set-SecretStoreConfiguration -Authentication Password -Password `$pw -Interaction Prompt -PasswordTimeout 900 -Confirm:`$false
Set-SecretVaultDefault -Name SecretStore
`$null = Connect-HubAccount -Credential `$login -HubUri `$hub
$Prepare
Lock-TestVault -VaultName SecretStore
'DHP-READY'
`$result = [ordered]@{ ErrorId = `$null; Message = `$null }
try {
$Action
}
catch {
    `$result.ErrorId = `$_.FullyQualifiedErrorId
    `$result.Message = `$_.Exception.Message
}
[pscustomobject] `$result | Export-Clixml -LiteralPath $($literals.Result)
'DHP-DONE'
"@
        }

        $script:CreateAction = @'
    $made = New-HubAccessToken -Label $label
    $result.Vault = $made.Vault
    $result.SecretName = $made.SecretName
    $stored = Get-Secret -Name $made.SecretName -Vault SecretStore
    $result.SecretMatches = $stored.GetNetworkCredential().Password -eq [pscredential]::new('x', $made.Secret).GetNetworkCredential().Password
'@

        # Once the console is set up, starts the request log afresh; then waits for the vault's prompt,
        # checks Hub saw nothing yet, types the answer and waits for the end.
        function Invoke-Prompted($Console, [string] $Answer, [string] $NoRequestYet) {
            $null = Wait-ConsoleScreen $Console '*DHP-READY*'
            Clear-HubRequestLog
            $null = Wait-ConsoleScreen $Console '*Vault SecretStore requires a password.*Enter password:*'
            $method, $path = $NoRequestYet -split ' ', 2
            Get-Request $method $path | Should -HaveCount 0 -Because 'the vault asks before anything reaches Hub'
            Send-ConsoleText $Console $Answer
            Wait-ConsoleScreen $Console '*DHP-DONE*'
        }
    }

    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'asks for the vault password through SecretManagement''s prompt before creating the token, then saves its secret' {
        $account = New-TestAccount -Prefix 'lockedtty'
        $resultPath = Join-Path $TestDrive 'right.clixml'
        $console = Start-TestConsole -Tmux $Tmux -Script (Get-ConsoleScript $account $resultPath ("`$label = 'typed-password'`n" + $CreateAction))
        try {
            $screen = Invoke-Prompted $console $VaultPassword 'POST /v2/access-tokens'
            $screen | Should -Not -BeLike "*$VaultPassword*" -Because 'the password is read masked'
        }
        finally { Stop-TestConsole $console }

        $result = Import-Clixml -LiteralPath $resultPath
        $result.ErrorId | Should -BeNullOrEmpty -Because "$($result.Message)"
        $result.Vault | Should -Be 'SecretStore'
        $result.SecretName | Should -Be "DockerHub-$($account.Username)-typed-password"
        $result.SecretMatches | Should -BeTrue
        Get-ServerLabel $account | Should -Be @('typed-password')
        Get-Request POST '/v2/access-tokens' | Should -HaveCount 1
    }

    It 'creates no token when the vault password is wrong' {
        $account = New-TestAccount -Prefix 'lockedwrong'
        $resultPath = Join-Path $TestDrive 'wrong.clixml'
        $console = Start-TestConsole -Tmux $Tmux -Script (Get-ConsoleScript $account $resultPath ("`$label = 'wrong-password'`n" + $CreateAction))
        try { $null = Invoke-Prompted $console 'not-the-password' 'POST /v2/access-tokens' }
        finally { Stop-TestConsole $console }

        $result = Import-Clixml -LiteralPath $resultPath
        $result.ErrorId | Should -BeLike 'SecretVaultLocked,*'
        $result.Message | Should -BeLike "*'SecretStore' is still locked*Unlock-SecretStore -Password*"
        Get-ServerLabel $account | Should -HaveCount 0
        Get-Request POST '/v2/access-tokens' | Should -HaveCount 0
    }

    It 'Connect-HubAccount -CredentialSecretName lets the vault ask, then signs in' {
        $account = New-TestAccount -Prefix 'lockedttyconnect'
        $resultPath = Join-Path $TestDrive 'connect.clixml'
        $console = Start-TestConsole -Tmux $Tmux -Script (Get-ConsoleScript $account $resultPath -Prepare @'
Set-Secret -Name hub-login -Secret $login -Vault SecretStore
Disconnect-HubAccount
'@ -Action @'
    $session = Connect-HubAccount -CredentialSecretName hub-login -Vault SecretStore -HubUri $hub -PassThru
    $result.User = $session.Username
'@)
        try {
            $null = Invoke-Prompted $console $VaultPassword 'POST /v2/users/login'
        }
        finally { Stop-TestConsole $console }

        $result = Import-Clixml -LiteralPath $resultPath
        $result.ErrorId | Should -BeNullOrEmpty -Because "$($result.Message)"
        $result.User | Should -Be $account.Username
        Get-Request POST '/v2/users/login' | Should -HaveCount 1
    }

    It 'Remove-HubAccessToken -RemoveSecret lets the vault ask before the first delete, then removes token and secret' {
        $account = New-TestAccount -Prefix 'lockedttyremove'
        $resultPath = Join-Path $TestDrive 'remove.clixml'
        $console = Start-TestConsole -Tmux $Tmux -Script (Get-ConsoleScript $account $resultPath -Prepare @'
$made = New-HubAccessToken -Label 'to-remove'
'@ -Action @'
    Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force
    $result.SecretLeft = @(Get-SecretInfo -Name $made.SecretName -Vault SecretStore).Count
'@)
        try {
            $null = Invoke-Prompted $console $VaultPassword 'DELETE /v2/access-tokens/*'
        }
        finally { Stop-TestConsole $console }

        $result = Import-Clixml -LiteralPath $resultPath
        $result.ErrorId | Should -BeNullOrEmpty -Because "$($result.Message)"
        $result.SecretLeft | Should -Be 0
        Get-ServerLabel $account | Should -HaveCount 0
        Get-Request DELETE '/v2/access-tokens/*' | Should -HaveCount 1
    }
}
