# Tab completion as PowerShell's own TabExpansion2 drives it: -Label and -Id of the token cmdlets from
# one cached listing of the account's tokens, and -Scope from its fixed set. How many times the
# completer listed the tokens is read from the emulator's request log. (-Vault completion is tested
# with the vaults.)

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')

    function Get-Completion {
        # What Tab offers at the end of the line: only the values, not the file names PowerShell may add.
        param([Parameter(Mandatory)][string] $Line)
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        @($result.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue')
    }

    function Get-ListRequestCount {
        @(Get-HubRequestLog -Path '/v2/access-tokens' | Where-Object method -EQ 'GET').Count
    }

    function Connect-Fresh {
        # A new session, so its completion cache starts empty.
        param([Parameter(Mandatory)] $Account)
        Connect-HubAccount -Credential $Account.Credential -HubUri $script:Hub -PassThru
    }

    $script:Account = New-TestAccount -Prefix 'comp'
    $script:Tokens = @(Add-TestToken -Username $script:Account.Username -Token @(
            @{ token_label = 'ci-build'; scopes = @('repo:read') }
            @{ token_label = 'ci deploy'; scopes = @('repo:write') }
            @{ token_label = 'CI-Upper'; scopes = @('repo:read') }
            @{ token_label = "ci'quote"; scopes = @('repo:read') }
            @{ token_label = 'laptop'; scopes = @('repo:admin') }
            @{ token_label = 'dup'; scopes = @('repo:read') }
            @{ token_label = 'dup'; scopes = @('repo:read') }
        ))
    $script:IdOf = @{}
    foreach ($t in $script:Tokens) { $script:IdOf[$t.token_label] = $t.uuid }

    $script:Other = New-TestAccount -Prefix 'compother'
    Add-TestToken -Username $script:Other.Username -Token @(@{ token_label = 'other-only' }) | Out-Null
}

AfterAll {
    Disconnect-HubAccount
}

Describe '-Label completion' {
    BeforeAll {
        Connect-Fresh $script:Account | Out-Null
    }

    It 'offers the labels that start with the word, ignoring case, quoting the ones with spaces or quotes' {
        $offers = Get-Completion 'Get-HubAccessToken -Label ci'
        $offers.CompletionText | Sort-Object | Should -Be (@("'ci deploy'", "'ci''quote'", 'ci-build', 'CI-Upper') | Sort-Object)
        # The list shows the label as it is.
        $offers.ListItemText | Sort-Object | Should -Be (@('ci deploy', "ci'quote", 'ci-build', 'CI-Upper') | Sort-Object)
    }

    It 'offers every label once for an empty word (two tokens labelled dup give one entry)' {
        $offers = Get-Completion 'Get-HubAccessToken -Label '
        $offers.ListItemText | Sort-Object | Should -Be (@($script:Tokens.token_label | Sort-Object -Unique))
        @($offers | Where-Object ListItemText -EQ 'dup').Count | Should -Be 1
    }

    It 'completes a word typed with an opening quote' {
        (Get-Completion "Get-HubAccessToken -Label 'ci d").CompletionText | Should -Be @("'ci deploy'")
    }

    It 'completes the positional label too' {
        (Get-Completion 'Get-HubAccessToken lap').CompletionText | Should -Be @('laptop')
    }

    It 'offers nothing for a word no label starts with' {
        Get-Completion 'Get-HubAccessToken -Label zz' | Should -BeNullOrEmpty
    }

    It 'gives text that, run as is, gets exactly that token: <_>' -ForEach @('ci deploy', "ci'quote", 'ci-build') {
        $label = $_
        $completion = Get-Completion "Get-HubAccessToken -Label $($label.Substring(0, 2))" | Where-Object ListItemText -CEQ $label
        $completion | Should -Not -BeNullOrEmpty
        $found = @(Invoke-Expression "Get-HubAccessToken -Label $($completion.CompletionText)")
        $found.Count | Should -Be 1
        $found[0].Label | Should -BeExactly $label
    }

    It 'uses the account of -Session when it is given' {
        $otherSession = Connect-Fresh $script:Other
        $mine = Connect-Fresh $script:Account
        (Get-Completion 'Get-HubAccessToken -Session $otherSession -Label ').ListItemText | Should -Be @('other-only')
        # Without -Session: the current session, which is $mine.
        (Get-Completion 'Get-HubAccessToken -Label ').ListItemText | Should -Not -Contain 'other-only'
        $null = $mine
    }
}

Describe '-Id completion' {
    BeforeAll {
        Connect-Fresh $script:Account | Out-Null
    }

    It '<_> -Id completes the start of an id to the whole id' -ForEach @(
        'Disable-HubAccessToken', 'Enable-HubAccessToken', 'Remove-HubAccessToken', 'Rename-HubAccessToken', 'Get-HubAccessToken'
    ) {
        $id = $script:IdOf['ci-build']
        $offers = Get-Completion "$_ -Id $($id.Substring(0, 8))"
        $offers.CompletionText | Should -Be @($id)
        # The list entry names the token, so the user sees which one it is.
        $offers[0].ListItemText | Should -Match ([regex]::Escape('ci-build'))
    }

    It 'completes a label typed after -Id to that token''s id' {
        (Get-Completion 'Disable-HubAccessToken -Id lapt').CompletionText | Should -Be @($script:IdOf['laptop'])
    }

    It 'offers every id of the account for an empty word' {
        (Get-Completion 'Disable-HubAccessToken -Id ').CompletionText | Sort-Object |
            Should -Be @($script:Tokens.uuid | Sort-Object)
    }

    It 'gives ids that the cmdlet accepts as they are' {
        $id = $script:IdOf['laptop']
        $text = (Get-Completion "Get-HubAccessToken -Id $($id.Substring(0, 6))").CompletionText
        (Invoke-Expression "Get-HubAccessToken -Id $text").Label | Should -BeExactly 'laptop'
    }
}

Describe 'The completion listing is cached' {
    It 'serves several completions in a row with ONE list request' {
        Connect-Fresh $script:Account | Out-Null
        Clear-HubRequestLog

        Get-Completion 'Get-HubAccessToken -Label ci' | Should -Not -BeNullOrEmpty
        Get-Completion 'Get-HubAccessToken -Label l' | Should -Not -BeNullOrEmpty
        Get-Completion "Disable-HubAccessToken -Id $($script:IdOf['laptop'].Substring(0, 8))" | Should -Not -BeNullOrEmpty
        Get-Completion 'Remove-HubAccessToken -Id ci' | Should -Not -BeNullOrEmpty
        Get-Completion 'Get-HubAccessToken -Label ' | Should -Not -BeNullOrEmpty

        Get-ListRequestCount | Should -Be 1
        @(Get-HubRequestLog).Count | Should -Be 1 -Because 'completion makes no other request'
    }

    It 'does not see a token added behind its back while the listing is cached' {
        Connect-Fresh $script:Account | Out-Null
        Get-Completion 'Get-HubAccessToken -Label ci' | Should -Not -BeNullOrEmpty
        Add-TestToken -Username $script:Account.Username -Token @(@{ token_label = 'ci-sneaky' }) | Out-Null
        Clear-HubRequestLog

        (Get-Completion 'Get-HubAccessToken -Label ci').ListItemText | Should -Not -Contain 'ci-sneaky'
        Get-ListRequestCount | Should -Be 0
    }

    It 'is dropped by New-HubAccessToken: the next completion lists again and offers the new token' {
        # Continues the session of the test before, whose cache is warm and misses ci-sneaky.
        $made = New-HubAccessToken -Label 'ci-made-here' -NoVault
        try {
            Clear-HubRequestLog
            $offered = (Get-Completion 'Get-HubAccessToken -Label ci').ListItemText
            $offered | Should -Contain 'ci-made-here'
            $offered | Should -Contain 'ci-sneaky'
            Get-ListRequestCount | Should -Be 1

            # And that new listing is cached again.
            (Get-Completion "Disable-HubAccessToken -Id $($made.Id.ToString().Substring(0, 8))").CompletionText | Should -Be @("$($made.Id)")
            Get-ListRequestCount | Should -Be 1
        }
        finally {
            Remove-HubAccessToken -Id $made.Id -Force -ErrorAction SilentlyContinue
        }
    }

    It 'is dropped by Remove-HubAccessToken: the removed token is no longer offered' {
        $made = New-HubAccessToken -Label 'ci-short-lived' -NoVault
        (Get-Completion 'Get-HubAccessToken -Label ci-s').ListItemText | Should -Contain 'ci-short-lived'
        Remove-HubAccessToken -Id $made.Id -Force
        Clear-HubRequestLog
        (Get-Completion 'Get-HubAccessToken -Label ci-s').ListItemText | Should -Not -Contain 'ci-short-lived'
        Get-ListRequestCount | Should -Be 1
    }

    It 'is dropped by Rename-HubAccessToken: the new label is offered' {
        $made = New-HubAccessToken -Label 'ci-before-rename' -NoVault
        try {
            (Get-Completion 'Get-HubAccessToken -Label ci-b').ListItemText | Should -Contain 'ci-before-rename'
            Rename-HubAccessToken -Id $made.Id -NewLabel 'ci-after-rename'
            $offered = (Get-Completion 'Get-HubAccessToken -Label ci-').ListItemText
            $offered | Should -Contain 'ci-after-rename'
            $offered | Should -Not -Contain 'ci-before-rename'
        }
        finally {
            Remove-HubAccessToken -Id $made.Id -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe '-Scope completion' {
    It '<Line> offers the four scopes' -ForEach @(
        @{ Line = 'New-HubAccessToken -Label x -Scope ' }
        @{ Line = 'Get-HubAccessToken -Scope ' }
    ) {
        (Get-Completion $Line).CompletionText | Sort-Object |
            Should -Be @('repo:admin', 'repo:public_read', 'repo:read', 'repo:write')
    }

    It 'narrows to what the word starts with' {
        (Get-Completion 'New-HubAccessToken -Label x -Scope repo:r').CompletionText | Should -Be @('repo:read')
        (Get-Completion 'New-HubAccessToken -Label x -Scope repo:read, repo:p').CompletionText | Should -Be @('repo:public_read')
    }

    It 'needs no session and makes no request' {
        Disconnect-HubAccount
        Clear-HubRequestLog
        @(Get-Completion 'New-HubAccessToken -Label x -Scope ').Count | Should -Be 4
        @(Get-HubRequestLog).Count | Should -Be 0
    }
}

Describe 'Without a session' {
    It 'offers no labels or ids, writes no error and sends nothing' {
        Disconnect-HubAccount
        Clear-HubRequestLog
        $errorsBefore = $Error.Count
        Get-Completion 'Get-HubAccessToken -Label ci' | Should -BeNullOrEmpty
        Get-Completion 'Disable-HubAccessToken -Id a' | Should -BeNullOrEmpty
        $Error.Count | Should -Be $errorsBefore
        @(Get-HubRequestLog).Count | Should -Be 0
    }
}
