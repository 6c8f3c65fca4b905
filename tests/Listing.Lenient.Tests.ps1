# Spec leniency where it costs nothing, through the emulator's edit_json fault: counts the spec types as
# numbers (1.0), entries without is_active, one unreadable entry in a listing, and a failed read that
# says what the answer really was. Faults are global, so every test clears them in AfterEach; they match
# this file's requests only because nothing else runs meanwhile.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # A garbled entry gives a non-terminating error; the listing must go on past it.
    $ErrorActionPreference = 'Continue'

    function Add-Fault {
        param([Parameter(Mandatory)][hashtable] $Spec)
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec | Out-Null
    }

    function Invoke-Listing {
        # Output, errors and warnings of one command, and the requests Hub saw for it.
        param([Parameter(Mandatory)][scriptblock] $Action)
        Clear-HubRequestLog
        $all = @(& $Action 2>&1 3>&1)
        [pscustomobject]@{
            Tokens   = @($all | Where-Object { $_ -is [DockerHubPat.HubAccessToken] })
            Errors   = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Warnings = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] })
            Requests = @(Get-HubRequestLog -Path '/v2/access-tokens*')
        }
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'A token list whose counts are 1.0-style numbers' {
    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
    }

    BeforeAll {
        $account = New-TestAccount -Prefix 'lenfloat'
        Add-TestToken -Username $account.Username -Count 150 -LabelPrefix 'f-' | Out-Null
        Connect-HubAccount -Credential $account.Credential -HubUri $Hub
    }

    It 'lists every token of every page, reading each page once, with no error' {
        Add-Fault @{ method = 'GET'; path = '/v2/access-tokens'; kind = 'edit_json'; count = 0
            edits = @(@{ path = 'count'; float = $true }, @{ path = 'active_count'; float = $true }) }

        $result = Invoke-Listing { Get-HubAccessToken }

        $result.Errors | Should -BeNullOrEmpty
        $result.Tokens.Count | Should -Be 150
        @($result.Tokens.Label | Sort-Object -Unique).Count | Should -Be 150
        $result.Requests.Count | Should -Be 2
        @($result.Requests | Where-Object fault -EQ 'edit_json').Count | Should -Be 2
    }
}

Describe 'Token entries without is_active' {
    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
    }

    BeforeAll {
        $account = New-TestAccount -Prefix 'lenactive'
        $planted = @(Add-TestToken -Username $account.Username -Token @(
                @{ token_label = 'was-active'; scopes = @('repo:read') }
                @{ token_label = 'was-inactive'; scopes = @('repo:read'); is_active = $false }
            ))
        Connect-HubAccount -Credential $account.Credential -HubUri $Hub
    }

    BeforeEach {
        Add-Fault @{ method = 'GET'; path = '/v2/access-tokens'; kind = 'edit_json'; count = 0
            edits = @(@{ path = 'results.*.is_active'; remove = $true }) }
        Add-Fault @{ method = 'GET'; path = '/v2/access-tokens/*'; kind = 'edit_json'; count = 0
            edits = @(@{ path = 'is_active'; remove = $true }) }
    }

    It 'lists them with IsActive empty and State Unknown, and warns once naming them' {
        $result = Invoke-Listing { Get-HubAccessToken }

        $result.Errors | Should -BeNullOrEmpty
        $result.Tokens.Count | Should -Be 2
        foreach ($token in $result.Tokens) {
            $token.IsActive | Should -BeNullOrEmpty
            $token.State | Should -Be 'Unknown'
        }
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0].Message | Should -Match 'did not say whether 2 token\(s\) are active'
        $result.Warnings[0].Message | Should -Match "'was-inactive'"
    }

    It 'leaves them out of -Inactive, so a cleanup pipeline does not take them for disabled' {
        $result = Invoke-Listing { Get-HubAccessToken -Inactive }

        $result.Tokens | Should -BeNullOrEmpty
        $result.Warnings.Count | Should -Be 1
    }

    It 'leaves them out of -Active too' {
        (Invoke-Listing { Get-HubAccessToken -Active }).Tokens | Should -BeNullOrEmpty
    }

    It 'says Unknown for a token read by id as well' {
        $result = Invoke-Listing { Get-HubAccessToken -Id $planted[1].uuid }

        $result.Tokens[0].State | Should -Be 'Unknown'
        $result.Warnings.Count | Should -Be 1
    }
}

Describe 'A token list with one unreadable entry' {
    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
    }

    BeforeAll {
        $account = New-TestAccount -Prefix 'lenentry'
        Add-TestToken -Username $account.Username -Count 120 -LabelPrefix 'e-' | Out-Null
        $server = @(Get-ServerToken -Username $account.Username)
        Connect-HubAccount -Credential $account.Credential -HubUri $Hub
    }

    It 'writes one non-terminating HubResponseInvalid for that entry and lists all the others of every page' {
        # The second entry of the first page only; the second page is untouched.
        Add-Fault @{ method = 'GET'; path = '/v2/access-tokens'; kind = 'edit_json'; count = 1
            edits = @(@{ path = 'results.1'; value = 'not a token' }) }

        $result = Invoke-Listing { Get-HubAccessToken }

        $result.Tokens.Count | Should -Be 119
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubResponseInvalid,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $result.Errors[0].Exception.Message | Should -Match 'entry 2 of 100'
        $result.Errors[0].Exception.Message | Should -Match 'string, not an object'
        $result.Errors[0].Exception.Message | Should -Match 'rest of the list was read'
        $result.Requests.Count | Should -Be 2
    }

    It 'names the entry''s id when only a field of it is unreadable, and goes on' {
        Add-Fault @{ method = 'GET'; path = '/v2/access-tokens'; kind = 'edit_json'; count = 1
            edits = @(@{ path = 'results.3.created_at'; value = 'the day before yesterday' }) }

        $result = Invoke-Listing { Get-HubAccessToken }

        $result.Tokens.Count | Should -Be 119
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Match "'created_at' is not valid"
        $result.Errors[0].TargetObject | Should -BeOfType ([guid])
        "$($result.Errors[0].TargetObject)" | Should -BeIn @($server.uuid)
        "$($result.Errors[0].TargetObject)" | Should -Not -BeIn @($result.Tokens.Id | ForEach-Object { "$_" })
    }
}

Describe 'A failed read says what the answer was' {
    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
    }

    BeforeAll {
        $account = New-TestAccount -Prefix 'lenshape'
        $token = @(Add-TestToken -Username $account.Username -Token @(@{ token_label = 'shape'; scopes = @('repo:read') }))[0]
        Connect-HubAccount -Credential $account.Credential -HubUri $Hub
    }

    It 'names the field of well-formed JSON of another shape, not "incomplete JSON"' {
        Add-Fault @{ method = 'GET'; path = "/v2/access-tokens/$($token.uuid)"; kind = 'edit_json'
            edits = @(@{ path = 'is_active'; value = 'yes' }) }

        $result = Invoke-Listing { Get-HubAccessToken -Id $token.uuid }

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubResponseInvalid,*'
        $result.Errors[0].Exception.Message | Should -Match "well-formed JSON whose 'is_active' is not what the API describes"
        $result.Errors[0].Exception.Message | Should -Not -Match 'incomplete'
    }

    It 'says a cut-off answer stopped before it was complete' {
        Add-Fault @{ method = 'GET'; path = "/v2/access-tokens/$($token.uuid)"; kind = 'truncated_json' }

        $result = Invoke-Listing { Get-HubAccessToken -Id $token.uuid }

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Match 'JSON that stop before it is complete'
    }
}
